import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { mergeTrees, withTree } from '../../../test/helpers/tree-spec.ts';
import { readBase } from '../../../test/scan/case-runner.ts';
import { insertImages } from '../../../test/helpers/store-fixtures.ts';
import { scanVfs } from '../../scan/scan-image.ts';
import { writeScan, writeUnscannable } from '../../scan/store/scan-store.ts';
import { DirVfs } from '../../scan/vfs/dir-vfs.ts';
import { STORE_TARGETS, announceSkips } from '../../store/testing.ts';
import { buildServer } from '../app.ts';
import { createToken } from '../auth/tokens.ts';
import type { TokenTables } from '../auth/tokens.ts';

const NOW = new Date('2026-11-23T00:00:00.000Z');
const REASON = 'AWS Marketplace product prod-amw0000001: its snapshots cannot be read';

announceSkips();
for (const target of STORE_TARGETS) {
  test(
    `API: an unscannable scan shows its status and reason in the list, the detail and the image page (${target.name})`,
    { skip: target.skip },
    async () => {
      const { store, target: storeTarget, dispose } = await target.fresh();
      const { root, cleanup } = await withTree(mergeTrees(readBase('debian12'), { files: {} }));
      let app: Awaited<ReturnType<typeof buildServer>> | undefined;
      try {
        await insertImages(store.db, [
          { id: 'ami-0000000000000007', account: '111111111111', created: '2026-01-01T00:00:00.000Z' },
        ]);
        const scanned = await scanVfs(new DirVfs(root), { checks: 'hygiene' });
        const okId = await writeScan(store, 'ami-0000000000000008', scanned);
        const unId = await writeUnscannable(
          store,
          'ami-0000000000000007',
          'ami:ami-0000000000000007',
          REASON,
          NOW,
        );
        const token = (await createToken(store.db as unknown as Kysely<TokenTables>, 'v', 'viewer')).token;
        app = await buildServer({ store, target: storeTarget, now: () => NOW });
        const base = await app.listen({ host: '127.0.0.1', port: 0 });
        const get = async (path: string): Promise<{ status: number; body: unknown }> => {
          const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
          return { status: res.status, body: await res.json() };
        };
        type Row = { scan_id: string; completeness: string; unscannable_reason: string | null };
        const list = (await get('/api/scans')).body as Row[];
        const byId = new Map(list.map((r) => [r.scan_id, r]));
        assert.equal(byId.get(unId)?.completeness, 'unscannable');
        assert.equal(byId.get(unId)?.unscannable_reason, REASON);
        assert.equal(byId.get(okId)?.unscannable_reason, null);
        const only = (await get('/api/scans?completeness=unscannable')).body as Row[];
        assert.deepEqual(
          only.map((r) => r.scan_id),
          [unId],
        );
        assert.equal((await get('/api/scans?completeness=clean')).status, 400);
        const detail = (await get(`/api/scans/${unId}`)).body as {
          scan: Row & { gaps: unknown };
          controls: unknown[];
          packages: unknown[];
        };
        assert.equal(detail.scan.completeness, 'unscannable');
        assert.equal(detail.scan.unscannable_reason, REASON);
        assert.deepEqual(detail.scan.gaps, [{ part: 'source', reason: REASON }]);
        assert.deepEqual([detail.controls.length, detail.packages.length], [0, 0]);
        const page = (await get('/api/images/ami-0000000000000007')).body as { scans: Row[] };
        assert.deepEqual(
          page.scans.map((s) => [s.completeness, s.unscannable_reason]),
          [['unscannable', REASON]],
        );
      } finally {
        await app?.close();
        await cleanup();
        await dispose();
      }
    },
  );
}
