import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_TARGETS, announceSkips } from '../../store/testing.ts';
import { EXACT_COLUMNS, EXACT_JSON_ROW, exactCellsSql } from '../../store/read-only-sql/testing.ts';
import { runCli } from '../testing.ts';
import { formatCsv, formatJson, formatTable } from './query.ts';

announceSkips();

const amiwarden = (...args: string[]) => runCli(args);

const RUNAWAY = 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r';

for (const target of STORE_TARGETS) {
  test(
    `query: no row cap, writes refused, a runaway stopped by --timeout (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      try {
        // More rows than the API console's default cap of 1000: the CLI returns all of them.
        const many = await amiwarden(
          'query',
          '--db',
          fresh.target,
          '-f',
          'json',
          'with recursive r(n) as (select 1 union all select n + 1 from r where n < 1500) select n from r',
        );
        assert.equal(many.code, 0, many.stderr);
        const rows = JSON.parse(many.stdout) as { n: number }[];
        assert.equal(rows.length, 1500);
        assert.deepEqual(rows.at(-1), { n: 1500 });

        for (const write of [
          'delete from images',
          'create table t (a int)',
          'select 1; delete from images',
        ]) {
          const r = await amiwarden('query', '--db', fresh.target, write);
          assert.equal(r.code, 2);
          assert.match(
            r.stderr,
            /^amiwarden: error: AMW_QUERY_READ_ONLY: queries are read-only: .+\n$/,
            write,
          );
        }

        const slow = await amiwarden('query', '--db', fresh.target, '--timeout', '1', RUNAWAY);
        assert.equal(slow.code, 2);
        assert.equal(
          slow.stderr,
          'amiwarden: error: AMW_QUERY_TIMEOUT: query ran longer than 1 s and was stopped\n',
        );
        assert.equal(slow.stdout, '');
      } finally {
        await fresh.dispose();
      }
    },
  );
}

test('query --timeout takes seconds, from the flag or AMIWARDEN_TIMEOUT, and refuses a negative one', async () => {
  const fresh = await STORE_TARGETS[0]!.fresh();
  try {
    const fraction = await amiwarden('query', '--db', fresh.target, '--timeout', '0.5', RUNAWAY);
    assert.match(fraction.stderr, /AMW_QUERY_TIMEOUT: query ran longer than 500 ms/);
    process.env.AMIWARDEN_TIMEOUT = '0.7';
    try {
      const fromEnv = await amiwarden('query', '--db', fresh.target, RUNAWAY);
      assert.match(fromEnv.stderr, /AMW_QUERY_TIMEOUT: query ran longer than 700 ms/);
    } finally {
      delete process.env.AMIWARDEN_TIMEOUT;
    }
    const negative = await amiwarden('query', '--db', fresh.target, '--timeout', '-1', 'select 1');
    assert.equal(negative.code, 2);
    assert.match(negative.stderr, /AMW_USAGE: --timeout expects seconds >= 0, got -1/);
    // 0 means no limit: a statement that ends comes back whatever it takes.
    const none = await amiwarden(
      'query',
      '--db',
      fresh.target,
      '--timeout',
      '0',
      '-f',
      'csv',
      'select 42 as answer',
    );
    assert.equal(none.stdout, 'answer\n42\n');
  } finally {
    await fresh.dispose();
  }
});

test('query table and CSV: quoted CSV cells, escaped line breaks and cut long cells in the table, every digit in CSV', async () => {
  const fresh = await STORE_TARGETS[0]!.fresh();
  try {
    const sql = `select 'a,b' as c, 'say "hi"' as q, 'l1' || char(10) || 'l2' as n, null as z, 1.23456 as f, printf('%.*c', 80, 'x') as long`;
    const csv = await amiwarden('query', '--db', fresh.target, '-f', 'csv', sql);
    assert.equal(csv.code, 0, csv.stderr);
    assert.equal(csv.stdout, `c,q,n,z,f,long\n"a,b","say ""hi""","l1\nl2",,1.23456,${'x'.repeat(80)}\n`);
    const table = await amiwarden('query', '--db', fresh.target, sql);
    assert.equal(table.code, 0, table.stderr);
    assert.deepEqual(table.stdout.split('\n'), [
      `c    q         n       z  f     long`,
      `---  --------  ------  -  ----  ${'-'.repeat(60)}`,
      `a,b  say "hi"  l1\\nl2     1.23  ${'x'.repeat(59)}…`,
      '(1 row)',
      '',
    ]);
    const json = await amiwarden('query', '--db', fresh.target, '-f', 'json', sql);
    assert.deepEqual(JSON.parse(json.stdout), [
      { c: 'a,b', q: 'say "hi"', n: 'l1\nl2', z: null, f: 1.23456, long: 'x'.repeat(80) },
    ]);
  } finally {
    await fresh.dispose();
  }
});

for (const target of STORE_TARGETS)
  test(
    `query: integers past 2^53 and -2^63 exact in JSON, CSV and the table; blobs as hex (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      try {
        const sql = exactCellsSql(target.name);
        const json = await amiwarden('query', '--db', fresh.target, '-f', 'json', sql);
        assert.equal(json.code, 0, json.stderr);
        assert.deepEqual(JSON.parse(json.stdout), [
          Object.fromEntries(EXACT_COLUMNS.map((c, i) => [c, EXACT_JSON_ROW[i]])),
        ]);
        const csv = await amiwarden('query', '--db', fresh.target, '-f', 'csv', sql);
        assert.equal(
          csv.stdout,
          `${EXACT_COLUMNS.join(',')}\n9007199254740993,-9223372036854775808,9007199254740991,1.5,,txt,\\x00ff10,1,9007199254740994,1.5\n`,
        );
        const table = await amiwarden('query', '--db', fresh.target, sql);
        assert.deepEqual(table.stdout.split('\n').slice(2, 3), [
          '9007199254740993  -9223372036854775808  9007199254740991  1.5     txt  \\x00ff10  1    9007199254740994  1.5',
        ]);
      } finally {
        await fresh.dispose();
      }
    },
  );

test('formatJson writes integers past 2^53 as their digits, formatCsv and formatTable print them whole', () => {
  const r = { columns: ['big', 'small', 'neg'], rows: [[2n ** 64n, 7, -(2n ** 63n) - 1n]] };
  assert.equal(formatCsv(r), 'big,small,neg\n18446744073709551616,7,-9223372036854775809');
  assert.equal(formatTable(r).split('\n')[2], '18446744073709551616  7      -9223372036854775809');
  assert.deepEqual(JSON.parse(formatJson(r)), [
    { big: '18446744073709551616', small: 7, neg: '-9223372036854775809' },
  ]);
});
