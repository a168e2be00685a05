import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { DEFAULT_GROUP } from '../../src/policy/config.ts';
import { compileText } from '../../src/policy/engine.ts';
import { Inventory } from '../../src/policy/inventory.ts';
import { latestScans } from '../../src/policy/store-scans.ts';
import { image } from '../../src/policy/testing.ts';
import { scanImage } from '../../src/scan/scan-image.ts';
import { writeScan } from '../../src/scan/store/scan-store.ts';
import type { ScanTables } from '../../src/scan/store/scan-tables.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import { importSource } from '../../src/vulns/import.ts';
import { matchStoredScan, storeVulnReport } from '../../src/vulns/scan-results.ts';
import { checkScanVulns } from '../../src/vulns/scan-vulns.ts';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/advisories/${p}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amw-scan-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function root(name: string, osRelease: string, status: string): string {
  const r = join(dir, name);
  mkdirSync(join(r, 'etc'), { recursive: true });
  mkdirSync(join(r, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(r, 'etc/os-release'), osRelease);
  writeFileSync(join(r, 'var/lib/dpkg/status'), status);
  return r;
}
const pkg = (f: Record<string, string>) =>
  `${Object.entries({ Status: 'install ok installed', Architecture: 'amd64', ...f })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n`;
const UBUNTU = 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="22.04"\n';

announceSkips();
// Behind USN-9901-1 (high, fixed 2026-10-01); a patched twin; a Debian 12 image with no Debian data imported.
const behind = await scanImage(
  `dir:${root('behind', UBUNTU, pkg({ Package: 'libcurl4', Source: 'curl', Version: '7.81.0-1ubuntu1.17' }))}`,
  { checks: 'hygiene' },
);
const patched = await scanImage(
  `dir:${root('patched', UBUNTU, pkg({ Package: 'libcurl4', Source: 'curl', Version: '7.81.0-1ubuntu1.18' }))}`,
  { checks: 'hygiene' },
);
const debian = await scanImage(
  `dir:${root('debian', 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n', pkg({ Package: 'bash', Version: '5.2.15-2+b2' }))}`,
  { checks: 'hygiene' },
);
const now = new Date('2026-11-23T00:00:00Z');

for (const target of STORE_TARGETS) {
  describe(`policy scan filter: missing-security-updates (${target.name})`, { skip: target.skip }, () => {
    test('reads the stored match; images without a match or without data are never clean', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const imp = await importSource(
          store.db,
          { kind: 'ubuntu-osv', location: fixture('ubuntu') },
          () => new Date('2026-11-22T00:00:00Z'),
        );
        assert.equal(imp.error, undefined);
        for (const [id, scan] of [
          ['ami-behind', behind],
          ['ami-patched', patched],
        ] as const) {
          const v = await checkScanVulns(store.db, scan, now);
          assert.equal(v.status, 'checked');
          const scanId = await writeScan(store, id, { ...scan, vulns: v });
          if (v.status === 'checked') await storeVulnReport(store.db, scanId, v.report, now);
        }
        // Matched, but with no Debian data: stored with its warning, so "not checked".
        await matchStoredScan(store.db, await writeScan(store, 'ami-debian', debian), now);
        // Scanned, never matched.
        await writeScan(store, 'ami-unmatched', patched);

        const scans = await latestScans(store.db as unknown as Kysely<ScanTables>);
        assert.equal(scans.get('ami-behind')?.missingSecurityUpdates, 1);
        assert.equal(scans.get('ami-patched')?.missingSecurityUpdates, 0);
        assert.equal(scans.get('ami-debian')?.missingSecurityUpdates, undefined);
        assert.equal(scans.get('ami-unmatched')?.securityUpdates, undefined);
        const estate = ['ami-behind', 'ami-patched', 'ami-debian', 'ami-unmatched', 'ami-none'].map((id) => {
          const scan = scans.get(id);
          return image({ ImageId: id, ...(scan ? { scan } : {}) });
        });
        const matches = async (filter: string): Promise<string[]> => {
          const yaml = `policies:\n  - name: t\n    resource: aws.ami\n    filters:\n${filter.replace(/^/gm, '      ')}\n`;
          const [p] = await compileText('t.yml', yaml, [DEFAULT_GROUP]);
          assert.ok(p);
          const inv = new Inventory(estate, ['111111111111']);
          const ctx = { now, inventory: inv, annotate: () => undefined };
          return inv.images.filter((i) => p.filter(i, ctx)).map((i) => i.resource.ImageId);
        };
        const crit = (c: string, status = 'failing') =>
          `- type: scan\n  status: ${status}\n  missing-security-updates:\n${c.replace(/^/gm, '    ')}`;
        assert.deepEqual(await matches(crit('severity: high\nolder-than-days: 14')), ['ami-behind']);
        assert.deepEqual(await matches(crit('severity: critical\nolder-than-days: 14')), []);
        assert.deepEqual(await matches(crit('severity: high\nolder-than-days: 53')), []);
        assert.deepEqual(await matches(crit('min: 2')), []);
        assert.deepEqual(await matches(crit('severity: critical', 'clean')), ['ami-patched']);
        assert.deepEqual(await matches('- type: scan\n  status: updates-not-checked'), [
          'ami-debian',
          'ami-unmatched',
        ]);
        assert.deepEqual(
          await matches(
            '- type: scan\n  min-missing-updates: 1\n  min-hygiene-findings: 99\n  min-cis-failures: 99',
          ),
          ['ami-behind'],
        );
      } finally {
        await dispose();
      }
    });
  });
}
