import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAmwError } from '../errors.ts';
import { runReadOnlyQuery } from './read-only-query.ts';
import { upsertRows } from './sync.ts';
import { STORE_TARGETS, announceSkips } from './testing.ts';

announceSkips();

for (const target of STORE_TARGETS) {
  test(
    `query is read-only and reports bad SQL as AMW_QUERY_INVALID (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      try {
        await upsertRows(
          fresh.store.db,
          'accounts',
          [
            {
              account_id: '123456789012',
              name: 'dev',
              email: null,
              state: null,
              source: 'config',
              role_arn: null,
            },
          ],
          'T1',
        );
        const ok = await runReadOnlyQuery(fresh.target, 'select account_id, name, source from accounts');
        assert.deepEqual(ok, {
          columns: ['account_id', 'name', 'source'],
          rows: [['123456789012', 'dev', 'config']],
        });
        const none = await runReadOnlyQuery(fresh.target, "select image_id from images where image_id = 'x'");
        assert.deepEqual(none, { columns: ['image_id'], rows: [] });
        await assert.rejects(runReadOnlyQuery(fresh.target, 'selec 1'), (e) =>
          isAmwError(e, 'AMW_QUERY_INVALID'),
        );
        await assert.rejects(runReadOnlyQuery(fresh.target, 'select nope from accounts'), (e) =>
          isAmwError(e, 'AMW_QUERY_INVALID'),
        );
        for (const write of ['delete from accounts', "update accounts set name = 'x'", 'drop table accounts'])
          await assert.rejects(
            runReadOnlyQuery(fresh.target, write),
            (e) => isAmwError(e, 'AMW_QUERY_READ_ONLY') || isAmwError(e, 'AMW_QUERY_INVALID'),
            write,
          );
        // Two statements cannot smuggle a write past the read-only transaction.
        await assert.rejects(runReadOnlyQuery(fresh.target, 'select 1; delete from accounts'));
        const after = await runReadOnlyQuery(fresh.target, 'select count(*) as n from accounts');
        assert.equal(Number(after.rows[0]?.[0]), 1);
      } finally {
        await fresh.dispose();
      }
    },
  );
}

test('query on a missing SQLite file says so and creates nothing', async () => {
  const { existsSync } = await import('node:fs');
  const path = '/tmp/amw-no-such-store.db';
  await assert.rejects(runReadOnlyQuery(path, 'select 1'), (e) => isAmwError(e, 'AMW_STORE_OPEN'));
  assert.equal(existsSync(path), false);
});
