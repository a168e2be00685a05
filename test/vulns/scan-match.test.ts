import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanImage } from '../../src/scan/scan-image.ts';
import { writeScan } from '../../src/scan/store/scan-store.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import { importSource } from '../../src/vulns/import.ts';
import { matchStoredScan, resolveScanId, scanVulnSummary } from '../../src/vulns/scan-results.ts';
import { ubuntuAdvisoryRoot } from '../helpers/ubuntu-advisory-root.ts';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/advisories/${p}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amw-scan-match-'));
after(() => rmSync(dir, { recursive: true, force: true }));

announceSkips();
const root = ubuntuAdvisoryRoot(dir);
const scanned = await scanImage(`dir:${root}`);

for (const target of STORE_TARGETS) {
  describe(`advisory match of a stored scan (${target.name})`, { skip: target.skip }, () => {
    test('the match is stored with the scan and redone when advisories arrive later', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const scanId = await writeScan(store, 'ami-0abc', scanned);
        assert.equal(await resolveScanId(store.db, { imageId: 'ami-0abc' }), scanId);
        const now = new Date('2026-11-23T00:00:00Z');
        // Before any import: nothing applies, and the result says why.
        const empty = await matchStoredScan(store.db, scanId, now);
        assert.equal(empty.findings.length, 0);
        assert.match(empty.warnings.join(), /no advisory data for ubuntu 22\.04/);

        const imp = await importSource(
          store.db,
          { kind: 'ubuntu-osv', location: fixture('ubuntu') },
          () => new Date('2026-11-22T00:00:00Z'),
        );
        assert.equal(imp.error, undefined);
        const report = await matchStoredScan(store.db, scanId, now);
        assert.deepEqual(
          report.findings.map((f) => [f.advisoryId, f.package, f.status]),
          [
            ['USN-9901-1', 'libcurl4', 'fixed'],
            ['UBUNTU-CVE-2099-1002', 'vim', 'no-fix'],
          ],
        );
        const summary = await scanVulnSummary(store.db, scanId);
        assert.equal(summary?.missing_security_updates, 1);
        assert.equal(summary?.missing_high, 1);
        assert.equal(summary?.unfixed, 1);
        assert.equal(summary?.oldest_fix_age_days, 53);
        assert.deepEqual(JSON.parse(summary!.warnings), []);
        const rows = await store.db
          .selectFrom('advisory_rows')
          .select('advisory_id')
          .where('distro', '=', 'ubuntu')
          .execute();
        assert.ok(rows.length >= 2);
      } finally {
        await dispose();
      }
    });
  });
}
