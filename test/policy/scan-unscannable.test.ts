import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import { DEFAULT_GROUP } from '../../src/policy/config.ts';
import { compileText } from '../../src/policy/engine.ts';
import { Inventory } from '../../src/policy/inventory.ts';
import { latestScans } from '../../src/policy/store-scans.ts';
import { image } from '../../src/policy/testing.ts';
import { scanImage } from '../../src/scan/scan-image.ts';
import { writeScan, writeUnscannable } from '../../src/scan/store/scan-store.ts';
import type { ScanTables } from '../../src/scan/store/scan-tables.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'amw-scan-unscannable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// A root with a credential file left behind: its hygiene scan fails credential-files-absent.
mkdirSync(join(dir, 'etc'), { recursive: true });
mkdirSync(join(dir, 'root'), { recursive: true });
writeFileSync(join(dir, 'etc/os-release'), 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n');
writeFileSync(join(dir, 'root/.netrc'), 'machine a login b password c\n');
const scanned = await scanImage(`dir:${dir}`, { checks: 'hygiene' });
const at = (hours: number): Date => new Date(Date.parse(scanned.startedAt) + hours * 3_600_000);
const REASON = 'snapshot snap-1 is encrypted with a KMS key of 222222222222: no KMS decrypt right';

announceSkips();
for (const target of STORE_TARGETS) {
  test(
    `policy scan filter: an unscannable latest scan is only ever 'unscannable' (${target.name})`,
    { skip: target.skip },
    async () => {
      const { store, dispose } = await target.fresh();
      try {
        // Scanned with findings, then no longer readable: the latest says unscannable.
        await writeScan(store, 'ami-lost', scanned);
        await writeUnscannable(store, 'ami-lost', 'ami:ami-lost', REASON, at(1));
        // Unscannable, then shared and scanned: the latest scan counts.
        await writeUnscannable(store, 'ami-recovered', 'ami:ami-recovered', 'not shared', at(-1));
        await writeScan(store, 'ami-recovered', scanned);
        await writeUnscannable(
          store,
          'ami-locked',
          'ami:ami-locked',
          'AWS Marketplace product prod-1',
          at(0),
        );

        const scans = await latestScans(store.db as unknown as Kysely<ScanTables>);
        assert.equal(scans.get('ami-lost')?.unscannable, REASON);
        assert.equal(scans.get('ami-lost')?.complete, false);
        assert.equal(scans.get('ami-recovered')?.unscannable, undefined);
        const estate = ['ami-lost', 'ami-recovered', 'ami-locked', 'ami-none'].map((id) => {
          const scan = scans.get(id);
          return image({ ImageId: id, ...(scan ? { scan } : {}) });
        });
        const matches = async (filter: string): Promise<{ ids: string[]; notes: unknown[] }> => {
          const yaml = `policies:\n  - name: t\n    resource: aws.ami\n    filters:\n${filter.replace(/^/gm, '      ')}\n`;
          const [p] = await compileText('t.yml', yaml, [DEFAULT_GROUP]);
          assert.ok(p);
          const inv = new Inventory(estate, ['111111111111']);
          const notes: unknown[] = [];
          const ctx = {
            now: at(2),
            inventory: inv,
            annotate: (_i: unknown, _k: string, v: unknown) => void notes.push(v),
          };
          return { ids: inv.images.filter((i) => p.filter(i, ctx)).map((i) => i.resource.ImageId), notes };
        };
        const un = await matches('- type: scan\n  status: unscannable');
        assert.deepEqual(un.ids, ['ami-lost', 'ami-locked']);
        assert.deepEqual(
          (un.notes as Array<{ unscannable: string }>).map((n) => n.unscannable),
          [REASON, 'AWS Marketplace product prod-1'],
        );
        // The earlier findings of ami-lost no longer count; nothing unscannable is clean or failing.
        assert.deepEqual((await matches('- type: scan')).ids, ['ami-recovered']);
        assert.deepEqual((await matches('- type: scan\n  status: clean')).ids, []);
        assert.deepEqual(
          (await matches('- type: scan\n  status: clean\n  missing-security-updates:\n    severity: high'))
            .ids,
          [],
        );
        assert.deepEqual((await matches('- type: scan\n  status: not-scanned')).ids, ['ami-none']);
        assert.deepEqual((await matches('- type: scan\n  status: updates-not-checked')).ids, [
          'ami-recovered',
        ]);
      } finally {
        await dispose();
      }
    },
  );
}
