import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markUnseenDeleted, syncRows, upsertRows } from './sync.ts';
import type { RowOf } from './sync.ts';
import { STORE_TARGETS, announceSkips } from './testing.ts';

announceSkips();

function instance(id: string, state: string, acct = '111111111111'): RowOf<'instances'> {
  return {
    instance_id: id,
    account_id: acct,
    region: 'us-east-1',
    image_id: 'ami-1',
    state,
    launch_time: '2026-01-01T00:00:00.000Z',
    instance_type: 't3.micro',
    platform: null,
    launch_template_id: null,
    launch_template_version: null,
    tags: '[]',
  };
}

for (const target of STORE_TARGETS) {
  test(
    `history columns: first_seen kept, last_seen moves, unseen rows get deleted_at (${target.name})`,
    { skip: target.skip },
    async () => {
      const { store, dispose } = await target.fresh();
      try {
        const db = store.db;
        const t1 = '2026-11-01T00:00:00.000Z';
        const t2 = '2026-11-02T00:00:00.000Z';
        const t3 = '2026-11-03T00:00:00.000Z';
        const scope = { account_id: '111111111111', region: 'us-east-1' };
        await syncRows(db, 'instances', [instance('i-a', 'running'), instance('i-b', 'running')], scope, t1);
        await syncRows(
          db,
          'instances',
          [instance('i-a', 'stopped'), instance('i-o', 'running', '222222222222')],
          scope,
          t2,
        );
        let rows = await db.selectFrom('instances').selectAll().orderBy('instance_id').execute();
        assert.deepEqual(
          rows.map((r) => [r.instance_id, r.state, r.first_seen, r.last_seen, r.deleted_at]),
          [
            ['i-a', 'stopped', t1, t2, null],
            ['i-b', 'running', t1, t1, t2],
            ['i-o', 'running', t2, t2, null],
          ],
        );
        // A row that comes back loses its deleted_at; another account's rows are out of scope.
        await syncRows(db, 'instances', [instance('i-b', 'running')], scope, t3);
        rows = await db.selectFrom('instances').selectAll().orderBy('instance_id').execute();
        assert.deepEqual(
          rows.map((r) => [r.instance_id, r.deleted_at]),
          [
            ['i-a', t3],
            ['i-b', null],
            ['i-o', null],
          ],
        );
      } finally {
        await dispose();
      }
    },
  );

  test(
    `upsert with limited update columns keeps the other columns (${target.name})`,
    { skip: target.skip },
    async () => {
      const { store, dispose } = await target.fresh();
      try {
        const db = store.db;
        await upsertRows(db, 'instances', [instance('i-a', 'running')], 'T1');
        await upsertRows(
          db,
          'instances',
          [{ ...instance('i-a', 'stopped'), instance_type: 'm5.large' }],
          'T2',
          ['state'],
        );
        const r = await db.selectFrom('instances').selectAll().executeTakeFirstOrThrow();
        assert.deepEqual([r.state, r.instance_type, r.last_seen], ['stopped', 't3.micro', 'T2']);
        // An empty id list marks nothing (a scope with no ids is not "everything").
        assert.equal(await markUnseenDeleted(db, 'instances', { instance_id: [] }, 'T3'), 0);
        assert.equal(await markUnseenDeleted(db, 'instances', { instance_id: ['i-a'] }, 'T3'), 1);
      } finally {
        await dispose();
      }
    },
  );

  test(
    `bulk upsert of 5000 rows crosses the statement chunk size (${target.name})`,
    { skip: target.skip },
    async () => {
      const { store, dispose } = await target.fresh();
      try {
        const rows = Array.from({ length: 5000 }, (_, i) => instance(`i-${i}`, 'running'));
        await upsertRows(store.db, 'instances', rows, 'T1');
        const c = await store.db
          .selectFrom('instances')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(c.n), 5000);
      } finally {
        await dispose();
      }
    },
  );
}
