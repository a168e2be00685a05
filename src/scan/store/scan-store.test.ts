import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { mergeTrees, withTree } from '../../../test/helpers/tree-spec.ts';
import { readBase } from '../../../test/scan/case-runner.ts';
import { STORE_TARGETS, announceSkips } from '../../store/testing.ts';
import { scanVfs } from '../scan-image.ts';
import { DirVfs } from '../vfs/dir-vfs.ts';
import type { ScanTables } from './scan-tables.ts';
import { UNSCANNABLE, unscannableReason, writeScan, writeUnscannable } from './scan-store.ts';

announceSkips();

for (const target of STORE_TARGETS) {
  test(
    `a scan, its control verdicts, findings and packages are stored (${target.name})`,
    { skip: target.skip },
    async () => {
      const { root, cleanup } = await withTree(
        mergeTrees(readBase('debian12'), { files: { '/root/.netrc': 'machine a login b password c\n' } }),
      );
      const { store, dispose } = await target.fresh();
      try {
        const result = await scanVfs(new DirVfs(root), { checks: 'hygiene' });
        const id = await writeScan(store, 'ami-0123456789abcdef0', result);
        const db = store.db as unknown as Kysely<ScanTables>;
        const scan = await db
          .selectFrom('scans')
          .selectAll()
          .where('scan_id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(scan.image_id, 'ami-0123456789abcdef0');
        assert.equal(scan.os_id, 'debian');
        assert.equal(scan.completeness, result.completeness);
        assert.equal(Number(scan.failed), result.counts.fail);
        const pkgs = await db
          .selectFrom('scan_packages')
          .select(['name', 'version'])
          .where('scan_id', '=', id)
          .execute();
        assert.equal(pkgs.length, result.packages.status === 'ok' ? result.packages.packages.length : -1);
        assert.ok(pkgs.some((p) => p.name === 'login' && p.version === '1:4.13+dfsg1-1+b1'));
        const findings = await db.selectFrom('scan_findings').selectAll().where('scan_id', '=', id).execute();
        assert.ok(findings.some((f) => f.rule_id === 'credential-files-absent' && f.path === '/root/.netrc'));
        const controls = await db.selectFrom('scan_controls').selectAll().where('scan_id', '=', id).execute();
        assert.equal(controls.length, result.controls.length);
      } finally {
        await dispose();
        await cleanup();
      }
    },
  );
}

for (const target of STORE_TARGETS) {
  test(
    `an unscannable image is stored as such with its reason, no verdicts (${target.name})`,
    { skip: target.skip },
    async () => {
      const { store, dispose } = await target.fresh();
      try {
        const at = new Date('2026-11-20T10:00:00.000Z');
        const reason = 'snapshot snap-0aa is encrypted with a KMS key we may not decrypt';
        const id = await writeUnscannable(
          store,
          'ami-0feedfacecafe0001',
          'ami:ami-0feedfacecafe0001',
          reason,
          at,
        );
        const db = store.db as unknown as Kysely<ScanTables>;
        const scan = await db
          .selectFrom('scans')
          .selectAll()
          .where('scan_id', '=', id)
          .executeTakeFirstOrThrow();
        assert.equal(scan.image_id, 'ami-0feedfacecafe0001');
        assert.equal(scan.completeness, UNSCANNABLE);
        assert.equal(scan.started_at, at.toISOString());
        assert.equal(scan.source, 'ami:ami-0feedfacecafe0001');
        assert.deepEqual(JSON.parse(scan.gaps), [{ part: 'source', reason }]);
        assert.equal(unscannableReason(scan), reason);
        assert.equal(Number(scan.passed) + Number(scan.failed) + Number(scan.errors), 0);
        const controls = await db.selectFrom('scan_controls').selectAll().where('scan_id', '=', id).execute();
        const pkgs = await db.selectFrom('scan_packages').selectAll().where('scan_id', '=', id).execute();
        assert.deepEqual([controls.length, pkgs.length], [0, 0]);
        assert.equal(unscannableReason({ completeness: 'complete', gaps: '[]' }), undefined);
      } finally {
        await dispose();
      }
    },
  );
}
