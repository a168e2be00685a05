import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { scanImage } from '../../src/scan/scan-image.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import type { VulnFinding, VulnReport } from '../../src/vulns/findings.ts';
import { importSource } from '../../src/vulns/import.ts';
import { buildAdvisoryIndex } from '../../src/vulns/index-build.ts';
import { matchPackages } from '../../src/vulns/match.ts';
import { checkScanVulns } from '../../src/vulns/scan-vulns.ts';
import { parseAlpineSecdb } from '../../src/vulns/sources/alpine-secdb.ts';
import { parseOsv } from '../../src/vulns/sources/osv.ts';
import { withTree } from '../helpers/tree-spec.ts';
import type { TreeSpec } from '../helpers/tree-spec.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const OSV = join(repo, 'test/fixtures/advisories/alpine/alpine-v3.19.json');
const spec = parse(readFileSync(join(repo, 'test/fixtures/rootfs/alpine319.yml'), 'utf8')) as TreeSpec;
const dir = mkdtempSync(join(tmpdir(), 'amw-alpine-'));
const { root, cleanup } = await withTree(spec);
after(async () => {
  rmSync(dir, { recursive: true, force: true });
  await cleanup();
});

const brief = (findings: readonly VulnFinding[]) =>
  findings.map((f) => [f.advisoryId, f.package, f.sourcePackage, f.installed, f.fixedVersion, f.status]);

/**
 * What the fixture must give: subpackages matched through their origin (libcrypto3/libssl3 from
 * openssl, ssl_client from busybox), apk's suffix order (musl's _git, ncurses' _p), no fix for c-ares.
 * Not reported: zlib at its fixed version (and above `1.3.1_rc1`, which dpkg's order would place
 * after it), the 3.18 branch's zlib fix, openssh at its fix, libxml2 below the affected range.
 */
const EXPECTED = [
  ['ALPINE-CVE-2099-4005', 'ncurses-libs', 'ncurses', '6.4_p20230506-r0', '6.4_p20231125-r0', 'fixed'],
  ['ALPINE-CVE-2099-4001', 'libcrypto3', 'openssl', '3.1.4-r4', '3.1.4-r5', 'fixed'],
  ['ALPINE-CVE-2099-4001', 'libssl3', 'openssl', '3.1.4-r4', '3.1.4-r5', 'fixed'],
  ['ALPINE-CVE-2099-4002', 'busybox', 'busybox', '1.36.1-r15', '1.36.1-r16', 'fixed'],
  ['ALPINE-CVE-2099-4002', 'ssl_client', 'busybox', '1.36.1-r15', '1.36.1-r16', 'fixed'],
  ['ALPINE-CVE-2099-4003', 'musl', 'musl', '1.2.4_git20230717-r4', '1.2.4_git20230717-r5', 'fixed'],
  ['ALPINE-CVE-2099-4008', 'c-ares', 'c-ares', '1.24.0-r0', null, 'no-fix'],
];

announceSkips();
const scanned = await scanImage(`dir:${root}`, { checks: 'hygiene' });
const now = new Date('2026-11-23T00:00:00Z');

test('the Alpine root scans as alpine 3.19.1 with its apk database', () => {
  assert.equal(scanned.os.id, 'alpine');
  assert.equal(scanned.os.versionId, '3.19.1');
  assert.equal(scanned.packages.status, 'ok');
  assert.equal(scanned.packages.packages.length, 10);
});

for (const target of STORE_TARGETS) {
  describe(`Alpine advisories (${target.name})`, { skip: target.skip }, () => {
    test('an Alpine image without Alpine advisory data is "not checked", never clean', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const imp = await importSource(
          store.db,
          { kind: 'osv', location: join(repo, 'test/fixtures/advisories/osv/rocky-9.json') },
          () => new Date('2026-11-22T00:00:00Z'),
        );
        assert.equal(imp.error, undefined);
        const vulns = await checkScanVulns(store.db, scanned, now);
        assert.deepEqual(vulns, {
          status: 'not-checked',
          reason: 'no advisory data for alpine 3.19: run `amiwarden advisories update`',
        });
      } finally {
        await dispose();
      }
    });

    test('imported OSV Alpine advisories give fixed-version findings by origin package', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const imp = await importSource(
          store.db,
          { kind: 'osv', location: OSV },
          () => new Date('2026-11-22T00:00:00Z'),
        );
        assert.equal(imp.error, undefined);
        const vulns = await checkScanVulns(store.db, scanned, now);
        assert.equal(vulns.status, 'checked');
        if (vulns.status !== 'checked') return;
        const report: VulnReport = vulns.report;
        assert.equal(report.scheme, 'apk');
        assert.equal(report.release, '3.19');
        assert.deepEqual(brief(report.findings), EXPECTED);
        assert.deepEqual(
          report.findings.map((f) => [f.package, f.severity, f.fixDate, f.fixDateSource, f.fixAgeDays]),
          [
            ['ncurses-libs', 'unknown', '2026-08-20', 'feed', 95],
            ['libcrypto3', 'unknown', '2026-09-01', 'feed', 83],
            ['libssl3', 'unknown', '2026-09-01', 'feed', 83],
            ['busybox', 'unknown', '2026-09-10', 'feed', 74],
            ['ssl_client', 'unknown', '2026-09-10', 'feed', 74],
            ['musl', 'unknown', '2026-09-15', 'feed', 69],
            ['c-ares', 'unknown', null, null, null],
          ],
        );
        assert.deepEqual(report.findings[1]!.cves, ['CVE-2099-4001']);
        assert.deepEqual(report.warnings, []);
        assert.equal(vulns.facts.missingSecurityUpdates, 4, 'distinct advisories with an unapplied fix');
      } finally {
        await dispose();
      }
    });

    test('the Alpine secdb imports into the store and matches, fixes dated by the first import', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const imp = await importSource(
          store.db,
          {
            kind: 'alpine-secdb',
            location: join(repo, 'test/fixtures/advisories/alpine/secdb-v3.19-main.json'),
          },
          () => new Date('2026-11-22T00:00:00Z'),
        );
        assert.equal(imp.error, undefined);
        assert.equal(imp.rows, 8);
        const vulns = await checkScanVulns(store.db, scanned, now);
        assert.equal(vulns.status, 'checked');
        if (vulns.status !== 'checked') return;
        assert.equal(vulns.report.findings.length, 11);
        assert.ok(
          vulns.report.findings.every((f) => f.fixDateSource === 'first-seen' && f.fixDate === '2026-11-22'),
        );
      } finally {
        await dispose();
      }
    });
  });
}

describe('Alpine matching rules', () => {
  const rows = parseOsv(readFileSync(OSV, 'utf8'), OSV, 'osv').map((r) => ({
    ...r,
    firstSeen: '2026-11-22T00:00:00Z',
  }));
  const pkgs = scanned.packages.status === 'ok' ? scanned.packages.packages : [];

  test('the branch is VERSION_ID major.minor: a 3.18 image gets the 3.18 rows only', () => {
    const os = { id: 'alpine', versionId: '3.18.6' };
    const report = matchPackages(pkgs, os, buildAdvisoryIndex(rows, os), now);
    assert.deepEqual(brief(report.findings), [
      ['ALPINE-CVE-2099-4004', 'zlib', 'zlib', '1.3.1-r0', '1.3.1-r9', 'fixed'],
    ]);
  });

  test('the Alpine secdb gives the same kind of findings, dated from the first import', () => {
    const os = { id: 'alpine', versionId: '3.19.1' };
    const secdb = join(repo, 'test/fixtures/advisories/alpine/secdb-v3.19-main.json');
    const secRows = parseAlpineSecdb(readFileSync(secdb, 'utf8'), secdb).map((r) => ({
      ...r,
      firstSeen: '2026-11-01T08:00:00Z',
    }));
    const report = matchPackages(pkgs, os, buildAdvisoryIndex(secRows, os), now);
    assert.deepEqual(report.findings.map((f) => `${f.advisoryId} ${f.package} ${f.fixedVersion}`).sort(), [
      'CVE-2099-5001 libcrypto3 3.1.4-r5',
      'CVE-2099-5001 libssl3 3.1.4-r5',
      'CVE-2099-5002 libcrypto3 3.1.4-r5',
      'CVE-2099-5002 libssl3 3.1.4-r5',
      'CVE-2099-5003 libcrypto3 3.1.4-r5',
      'CVE-2099-5003 libssl3 3.1.4-r5',
      'CVE-2099-5010 busybox 1.36.1-r16',
      'CVE-2099-5010 ssl_client 1.36.1-r16',
      'CVE-2099-5030 ncurses-libs 6.4_p20230507-r0',
      'GHSA-xxxx-yyyy-zzzz busybox 1.36.1-r20',
      'GHSA-xxxx-yyyy-zzzz ssl_client 1.36.1-r20',
    ]);
    assert.ok(
      report.findings.every(
        (f) => f.fixDateSource === 'first-seen' && f.fixDate === '2026-11-01' && f.fixAgeDays === 22,
      ),
    );
  });

  test('malformed versions are compared as apk orders them and named in a warning', () => {
    const os = { id: 'alpine', versionId: '3.19.1' };
    const odd = pkgs.map((p) => (p.name === 'musl' ? { ...p, version: '1.2.4-1' } : p));
    const report = matchPackages(odd, os, buildAdvisoryIndex(rows, os), now);
    // `1.2.4-1` breaks off at `-1`, which apk sorts below `1.2.4_git...`: still vulnerable.
    assert.ok(report.findings.some((f) => f.package === 'musl' && f.installed === '1.2.4-1'));
    assert.deepEqual(report.warnings, ['not valid apk versions, compared as apk orders them: 1.2.4-1']);
  });

  test('apk subpackages built from one origin share its advisories; a fixed origin clears them all', () => {
    const os = { id: 'alpine', versionId: '3.19.1' };
    const upgraded = pkgs.map((p) => (p.sourceName === 'openssl' ? { ...p, version: '3.1.4-r5' } : p));
    const report = matchPackages(upgraded, os, buildAdvisoryIndex(rows, os), now);
    assert.equal(
      report.findings.filter((f) => f.sourcePackage === 'openssl').length,
      0,
      'openssl at its fixed release: no finding for libcrypto3 or libssl3',
    );
    assert.equal(report.findings.length, EXPECTED.length - 2);
  });
});

test('amiwarden advisories update + scan --advisories on the Alpine root (CLI, SQLite)', () => {
  const cli = join(repo, 'bin/amiwarden.js');
  const db = join(dir, 'cli.db');
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const up = run('advisories', 'update', '--db', db, '--source', `osv=${OSV}`);
  assert.equal(up.code, 0, up.err);
  const scan = run(
    'scan',
    `dir:${root}`,
    '--checks',
    'hygiene',
    '--advisories',
    '--db',
    db,
    '--image',
    'ami-0a1b2c3d4e5f60718',
    '-f',
    'json',
  );
  const json = JSON.parse(scan.out) as {
    vulns: { status: string; report: VulnReport };
  };
  assert.equal(json.vulns.status, 'checked', scan.err);
  assert.deepEqual(brief(json.vulns.report.findings), EXPECTED);
  const check = run('advisories', 'check', root, '--db', db);
  assert.match(check.out, /ALPINE-CVE-2099-4001/);
  assert.doesNotMatch(check.out, /ALPINE-CVE-2099-400[4679]/);
  // The stored scan's inventory (origins included) matches again offline.
  const stored = run('advisories', 'match', '--image', 'ami-0a1b2c3d4e5f60718', '--db', db, '-f', 'json');
  assert.equal(stored.code, 0, stored.err);
  assert.deepEqual(brief((JSON.parse(stored.out) as VulnReport).findings), EXPECTED);
});
