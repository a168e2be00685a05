import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPORTS } from '../../src/scan/report/index.ts';
import { scanImage } from '../../src/scan/scan-image.ts';
import type { ScanResult } from '../../src/scan/scan-image.ts';
import { writeScan } from '../../src/scan/store/scan-store.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import { importSource } from '../../src/vulns/import.ts';
import { scanVulnSummary, storeVulnReport } from '../../src/vulns/scan-results.ts';
import { checkScanVulns } from '../../src/vulns/scan-vulns.ts';
import { ubuntuAdvisoryRoot } from '../helpers/ubuntu-advisory-root.ts';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/advisories/${p}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amw-scan-adv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

announceSkips();
const root = ubuntuAdvisoryRoot(dir);
const scanned = await scanImage(`dir:${root}`, { checks: 'hygiene' });
const imported = new Date('2026-11-22T00:00:00Z');
const now = new Date('2026-11-23T00:00:00Z');

for (const target of STORE_TARGETS) {
  describe(`scan with advisories (${target.name})`, { skip: target.skip }, () => {
    test('without advisory data the scan says "not checked", in every format', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const vulns = await checkScanVulns(store.db, scanned, now);
        assert.equal(vulns.status, 'not-checked');
        const r: ScanResult = { ...scanned, vulns };
        assert.match(
          REPORTS.table!.render(r),
          /missing security updates: not checked \(no advisory data for ubuntu 22\.04/,
        );
        assert.match(REPORTS.html!.render(r), /not checked: no advisory data/);
        assert.match(REPORTS.junit!.render(r), /<skipped message="not checked: no advisory data/);
        const sarif = JSON.parse(REPORTS.sarif!.render(r)) as {
          runs: Array<{
            results: unknown[];
            invocations: Array<{ toolExecutionNotifications: Array<{ message: { text: string } }> }>;
          }>;
        };
        assert.ok(
          sarif.runs[0]!.invocations[0]!.toolExecutionNotifications.some((n) =>
            n.message.text.startsWith('missing security updates not checked'),
          ),
        );
        assert.equal(JSON.parse(REPORTS.json!.render(r)).vulns.status, 'not-checked');
        const bom = JSON.parse(REPORTS.cyclonedx!.render(r));
        assert.equal(
          bom.vulnerabilities,
          undefined,
          'no data: no vulnerabilities section that could read as clean',
        );
        assert.ok(
          (bom.metadata.properties as Array<{ name: string }>).some(
            (p) => p.name === 'amiwarden:vulns:not-checked',
          ),
        );
      } finally {
        await dispose();
      }
    });

    test('findings reach every report format and are stored with the scan', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const imp = await importSource(
          store.db,
          { kind: 'ubuntu-osv', location: fixture('ubuntu') },
          () => imported,
        );
        assert.equal(imp.error, undefined);
        const vulns = await checkScanVulns(store.db, scanned, now);
        assert.equal(vulns.status, 'checked');
        if (vulns.status !== 'checked') return;
        assert.deepEqual(
          vulns.report.findings.map((f) => [
            f.advisoryId,
            f.package,
            f.installed,
            f.fixedVersion,
            f.severity,
            f.fixDate,
            f.fixAgeDays,
          ]),
          [
            ['USN-9901-1', 'libcurl4', '7.81.0-1ubuntu1.17', '7.81.0-1ubuntu1.18', 'high', '2026-10-01', 53],
            ['UBUNTU-CVE-2099-1002', 'vim', '2:8.2.3995-1ubuntu2.21', null, 'medium', null, null],
          ],
        );
        assert.equal(vulns.facts.missingBySeverity.high, 1);
        assert.deepEqual(vulns.report.warnings, []);
        const r: ScanResult = { ...scanned, vulns };
        const table = REPORTS.table!.render(r);
        assert.match(
          table,
          /USN-9901-1 +libcurl4 \(curl\) +7\.81\.0-1ubuntu1\.17 +7\.81\.0-1ubuntu1\.18 +2026-10-01 +53d/,
        );
        assert.match(table, /UBUNTU-CVE-2099-1002 +vim .* no fix yet/);
        const json = JSON.parse(REPORTS.json!.render(r));
        assert.equal(json.vulns.report.findings[0].fixAgeDays, 53);
        assert.equal(json.vulns.facts.missingSecurityUpdates, 1);
        const sarif = JSON.parse(REPORTS.sarif!.render(r));
        const results = sarif.runs[0].results as Array<{ ruleId: string; level: string }>;
        assert.deepEqual(
          results
            .filter((x) => x.ruleId.includes('9901') || x.ruleId.includes('2099'))
            .map((x) => [x.ruleId, x.level]),
          [
            ['USN-9901-1', 'error'],
            ['UBUNTU-CVE-2099-1002', 'note'],
          ],
        );
        assert.ok(
          (sarif.runs[0].tool.driver.rules as Array<{ id: string }>).some((x) => x.id === 'USN-9901-1'),
        );
        const bom = JSON.parse(REPORTS.cyclonedx!.render(r));
        const cdx = bom.vulnerabilities as Array<{
          id: string;
          ratings: Array<{ severity: string }>;
          affects: Array<{ ref: string }>;
          recommendation?: string;
          analysis?: { detail: string };
        }>;
        assert.deepEqual(
          cdx.map((v) => [v.id, v.ratings[0]!.severity, v.recommendation ?? v.analysis?.detail]),
          [
            ['USN-9901-1', 'high', 'upgrade libcurl4 to 7.81.0-1ubuntu1.18'],
            ['UBUNTU-CVE-2099-1002', 'medium', 'no fix available yet'],
          ],
        );
        assert.match(cdx[0]!.affects[0]!.ref, /^pkg:deb\/ubuntu\/libcurl4@7\.81\.0-1ubuntu1\.17/);
        const junit = REPORTS.junit!.render(r);
        assert.match(
          junit,
          /<testsuite name="security-updates" tests="2" failures="1" errors="0" skipped="1">/,
        );
        assert.match(
          junit,
          /failure message="libcurl4 7\.81\.0-1ubuntu1\.17: fixed in 7\.81\.0-1ubuntu1\.18 since 2026-10-01 \(53 days\)" type="high"/,
        );
        const html = REPORTS.html!.render(r);
        assert.match(html, /<h2>Missing security updates<\/h2>/);
        assert.match(html, /USN-9901-1<div>CVE-2099-1001<\/div>/);

        const scanId = await writeScan(store, 'ami-0abc', r);
        await storeVulnReport(store.db, scanId, vulns.report, now);
        const summary = await scanVulnSummary(store.db, scanId);
        assert.equal(summary?.missing_security_updates, 1);
        assert.equal(summary?.missing_high, 1);
        assert.equal(summary?.unfixed, 1);
        assert.equal(summary?.oldest_fix_age_days, 53);

        // Old data: the scan still matches and warns.
        const late = await checkScanVulns(store.db, scanned, new Date('2026-12-30T00:00:00Z'), {
          maxDataAgeDays: 10,
        });
        assert.equal(late.status, 'checked');
        if (late.status === 'checked')
          assert.match(late.report.warnings.join(), /ubuntu-osv is 38 days old \(limit 10\)/);
      } finally {
        await dispose();
      }
    });
  });
}

describe('amiwarden scan --db', () => {
  test('matches offline, stores with --image, and says "not checked" without a store', () => {
    const cli = fileURLToPath(new URL('../../bin/amiwarden.js', import.meta.url));
    const db = join(dir, 'cli.db');
    const run = (...args: string[]) =>
      execFileSync(process.execPath, [cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(
      run('scan', `dir:${root}`, '--checks', 'hygiene', '--advisories', '--db', join(dir, 'none.db')),
      /missing security updates: not checked \(no advisory store at/,
    );
    run('advisories', 'update', '--db', db, '--source', `ubuntu-osv=${fixture('ubuntu')}`);
    const out = run(
      'scan',
      `dir:${root}`,
      '--checks',
      'hygiene',
      '--db',
      db,
      '--image',
      'ami-0123456789abcdef0',
      '-f',
      'json',
    );
    const json = JSON.parse(out);
    assert.equal(json.vulns.status, 'checked');
    assert.equal(json.vulns.facts.missingBySeverity.high, 1);
    const summary = run('advisories', 'match', '--image', 'ami-0123456789abcdef0', '--db', db);
    assert.match(summary, /USN-9901-1/);
  });
});
