import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { isAmwError } from '../../errors.ts';
import { upsertRows } from '../sync.ts';
import { STORE_TARGETS, announceSkips } from '../testing.ts';
import { jsonRows, runReadOnlySql } from './index.ts';
import { EXACT_COLUMNS, EXACT_JSON_ROW, EXACT_ROW, exactCellsSql } from './testing.ts';

announceSkips();

const NO_CAP = { timeoutMs: 30_000 };
const RUNAWAY = 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r';
const COUNT_TO = (n: number) =>
  `with recursive r(n) as (select 1 union all select n + 1 from r where n < ${n}) select n from r`;

for (const target of STORE_TARGETS) {
  test(
    `reads rows and refuses writes in the same words (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      try {
        const account = { email: null, state: null, source: 'config', role_arn: null };
        await upsertRows(
          fresh.store.db,
          'accounts',
          [{ account_id: '123456789012', name: 'dev', ...account }],
          'T1',
        );
        const run = (sql: string) => runReadOnlySql(fresh.target, sql, NO_CAP);
        assert.deepEqual(await run('select account_id, name, source from accounts;'), {
          columns: ['account_id', 'name', 'source'],
          rows: [['123456789012', 'dev', 'config']],
          truncated: false,
        });
        assert.deepEqual(await run("select image_id from images where image_id = 'x'"), {
          columns: ['image_id'],
          rows: [],
          truncated: false,
        });
        // Counts are numbers on both engines (PostgreSQL's bigint is parsed, not left as text).
        assert.deepEqual((await run('select count(*) as n from accounts')).rows, [[1]]);
        for (const bad of ['selec 1', 'select nope from accounts', 'select * from no_such_table'])
          await assert.rejects(
            run(bad),
            (e) => isAmwError(e, 'AMW_QUERY_INVALID') && e.message.startsWith('invalid SQL: '),
            bad,
          );
        for (const write of [
          'delete from accounts',
          "update accounts set name = 'x'",
          "insert into accounts (account_id, name) values ('1', 'x')",
          'drop table accounts',
          'create table t (a int)',
        ])
          await assert.rejects(
            run(write),
            (e) => isAmwError(e, 'AMW_QUERY_READ_ONLY') && e.message.startsWith('queries are read-only: '),
            write,
          );
        for (const [sql, message] of [
          ['select 1; delete from accounts', 'queries are read-only: one statement at a time'],
          ["attach database '/tmp/amw-x.db' as x", /ATTACH, DETACH, PRAGMA writes/],
          ['pragma user_version = 7', /ATTACH, DETACH, PRAGMA writes/],
        ] as const)
          await assert.rejects(
            run(sql),
            (e) =>
              isAmwError(e, 'AMW_QUERY_READ_ONLY') &&
              (typeof message === 'string' ? e.message === message : message.test(e.message)),
            sql,
          );
        assert.deepEqual((await run('select name from accounts')).rows, [['dev']]);
      } finally {
        await fresh.dispose();
      }
    },
  );

  test(
    `every row without a cap, the first rows with one (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      try {
        // More rows than one batch from the SQLite child, so batches are joined in order.
        const all = await runReadOnlySql(fresh.target, COUNT_TO(2345), NO_CAP);
        assert.equal(all.truncated, false);
        assert.equal(all.rows.length, 2345);
        assert.deepEqual(
          all.rows.map((r) => r[0]),
          Array.from({ length: 2345 }, (_v, i) => i + 1),
        );
        const capped = await runReadOnlySql(fresh.target, COUNT_TO(2345), {
          timeoutMs: 30_000,
          maxRows: 501,
        });
        assert.equal(capped.truncated, true);
        assert.deepEqual(capped.rows.at(-1), [501]);
        assert.equal(capped.rows.length, 501);
        const exact = await runReadOnlySql(fresh.target, COUNT_TO(3), { timeoutMs: 30_000, maxRows: 3 });
        assert.deepEqual(exact, { columns: ['n'], rows: [[1], [2], [3]], truncated: false });
      } finally {
        await fresh.dispose();
      }
    },
  );

  test(
    `a runaway statement is stopped at its time limit (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      try {
        await assert.rejects(
          runReadOnlySql(fresh.target, RUNAWAY, { timeoutMs: 700 }),
          (e) =>
            isAmwError(e, 'AMW_QUERY_TIMEOUT') &&
            e.message === 'query ran longer than 700 ms and was stopped',
        );
        // The store is still usable afterwards (no lock or session left behind).
        assert.deepEqual((await runReadOnlySql(fresh.target, 'select 1 as one', { timeoutMs: 0 })).rows, [
          [1],
        ]);
      } finally {
        await fresh.dispose();
      }
    },
  );
}

for (const target of STORE_TARGETS)
  test(
    `one cell encoding: exact integers, hex blobs, booleans as 1/0 (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      try {
        const r = await runReadOnlySql(fresh.target, exactCellsSql(target.name), NO_CAP);
        assert.deepEqual(r, { columns: EXACT_COLUMNS, rows: [EXACT_ROW], truncated: false });
        assert.deepEqual(jsonRows(r.rows), [EXACT_JSON_ROW]);
        const inf = target.name === 'sqlite' ? '1e999' : "'Infinity'::float8";
        assert.deepEqual(
          (await runReadOnlySql(fresh.target, `select ${inf} as a, -${inf} as b`, NO_CAP)).rows,
          [['Infinity', '-Infinity']],
        );
      } finally {
        await fresh.dispose();
      }
    },
  );

test('a missing SQLite file is named, and nothing is created', async () => {
  const path = '/tmp/amw-no-such-store.db';
  await assert.rejects(
    runReadOnlySql(path, 'select 1', NO_CAP),
    (e) => isAmwError(e, 'AMW_STORE_OPEN') && e.message.includes(path),
  );
  assert.equal(existsSync(path), false);
});

test('an unreachable PostgreSQL server is AMW_STORE_OPEN', async () => {
  await assert.rejects(runReadOnlySql('postgres://amw@127.0.0.1:1/none', 'select 1', NO_CAP), (e) =>
    isAmwError(e, 'AMW_STORE_OPEN'),
  );
});

test('limits that make no sense are refused before any work', async () => {
  for (const limits of [{ timeoutMs: -1 }, { timeoutMs: 1.5 }, { timeoutMs: 10, maxRows: 0 }])
    await assert.rejects(runReadOnlySql('/tmp/amw-no-such-store.db', 'select 1', limits), (e) =>
      isAmwError(e, 'AMW_USAGE'),
    );
});
