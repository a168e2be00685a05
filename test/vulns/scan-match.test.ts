import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanImage } from '../../src/scan/scan-image.ts';
import { writeScan } from '../../src/scan/store/scan-store.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import { importSource } from '../../src/vulns/import.ts';
import { matchStoredScan, resolveScanId, scanVulnSummary } from '../../src/vulns/scan-results.ts';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/advisories/${p}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amw-scan-match-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** An Ubuntu 22.04 root with curl's library one version behind the USN fix and vim with no fix. */
function ubuntuRoot(): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'NAME="Ubuntu"\nID=ubuntu\nVERSION_ID="22.04"\n');
  const stanza = (f: Record<string, string>) =>
    Object.entries({ Status: 'install ok installed', Architecture: 'amd64', ...f })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n');
  writeFileSync(
    join(root, 'var/lib/dpkg/status'),
    `${[
      stanza({ Package: 'libcurl4', Source: 'curl', Version: '7.81.0-1ubuntu1.17' }),
      stanza({ Package: 'vim', Version: '2:8.2.3995-1ubuntu2.21' }),
    ].join('\n\n')}\n`,
  );
  return root;
}

announceSkips();
const root = ubuntuRoot();
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
