import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isAmwError } from '../../errors.ts';
import { runReadOnlySql } from './index.ts';
import { SqlitePool } from './sqlite-pool.ts';

const RUNAWAY = 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r';
const LIMITS = { timeoutMs: 30_000 };

/** A SQLite file with one table `t(n)` holding `values`. */
function storeFile(dir: string, name: string, values: readonly number[]): string {
  const file = join(dir, name);
  const db = new Database(file);
  db.exec('create table t (n integer)');
  const insert = db.prepare('insert into t (n) values (?)');
  for (const v of values) insert.run(v);
  db.close();
  return file;
}

/** The process runs (a zombie waiting for its reaper counts as gone: it runs nothing). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amw-sql-pool-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('one child per store file, reused between statements, gone after close', () =>
  withDir(async (dir) => {
    const a = storeFile(dir, 'a.db', [1, 2]);
    const b = storeFile(dir, 'b.db', [3]);
    const pool = new SqlitePool();
    try {
      assert.deepEqual(pool.pids(), [], 'children start on the first statement');
      const run = (file: string, sql: string) => runReadOnlySql(file, sql, LIMITS, { pool });
      assert.deepEqual((await run(a, 'select n from t order by n')).rows, [[1], [2]]);
      const [first] = pool.pids();
      assert.ok(first !== undefined && alive(first));
      assert.deepEqual((await run(a, 'select sum(n) from t')).rows, [[3]]);
      assert.deepEqual(pool.pids(), [first], 'the same child answers the next statement');
      // A statement stopped at the row cap leaves the connection free for the next one.
      const capped = await runReadOnlySql(
        a,
        'select n from t order by n',
        { timeoutMs: 0, maxRows: 1 },
        { pool },
      );
      assert.deepEqual([capped.rows, capped.truncated], [[[1]], true]);
      assert.deepEqual((await run(a, 'select max(n) from t')).rows, [[2]]);
      // Errors are answers too: the child stays.
      await assert.rejects(run(a, 'select nope from t'), (e) => isAmwError(e, 'AMW_QUERY_INVALID'));
      await assert.rejects(run(a, 'delete from t'), (e) => isAmwError(e, 'AMW_QUERY_READ_ONLY'));
      assert.deepEqual(pool.pids(), [first]);
      assert.deepEqual((await run(b, 'select n from t')).rows, [[3]]);
      assert.equal(pool.pids().length, 2, 'another file, another child');
      const pids = pool.pids();
      await pool.close();
      for (const pid of pids) assert.equal(alive(pid), false, `child ${pid} still runs after close`);
      await assert.rejects(run(a, 'select 1'), /closed/);
    } finally {
      await pool.close();
    }
  }));

test('statements sent together wait their turn in one child and each gets its own rows', () =>
  withDir(async (dir) => {
    const file = storeFile(dir, 'a.db', [1, 2, 3]);
    const pool = new SqlitePool();
    try {
      const count = (n: number) =>
        `with recursive r(n) as (select 1 union all select n + 1 from r where n < ${n}) select count(*), max(n) from r`;
      const sizes = [20_000, 1, 700, 3, 1500, 2];
      const answers = await Promise.all(sizes.map((n) => runReadOnlySql(file, count(n), LIMITS, { pool })));
      assert.deepEqual(
        answers.map((r) => r.rows),
        sizes.map((n) => [[n, n]]),
      );
      assert.equal(pool.pids().length, 1);
    } finally {
      await pool.close();
    }
  }));

test('a runaway statement kills its child; the next statement gets a new one, and the queue behind it runs', () =>
  withDir(async (dir) => {
    const file = storeFile(dir, 'a.db', [5]);
    const pool = new SqlitePool();
    try {
      await runReadOnlySql(file, 'select 1', LIMITS, { pool });
      const [before] = pool.pids();
      const runaway = runReadOnlySql(file, RUNAWAY, { timeoutMs: 500 }, { pool });
      const queued = runReadOnlySql(file, 'select n from t', LIMITS, { pool });
      await assert.rejects(runaway, (e) => isAmwError(e, 'AMW_QUERY_TIMEOUT'));
      assert.deepEqual((await queued).rows, [[5]]);
      const [after] = pool.pids();
      assert.ok(before !== undefined && after !== undefined && after !== before);
      assert.equal(alive(before), false, 'the timed-out child was killed');
    } finally {
      await pool.close();
    }
  }));

test('a store replaced on disk is read afresh, not through the old handle', () =>
  withDir(async (dir) => {
    const file = storeFile(dir, 'a.db', [1]);
    const pool = new SqlitePool();
    try {
      assert.deepEqual((await runReadOnlySql(file, 'select n from t', LIMITS, { pool })).rows, [[1]]);
      const next = storeFile(dir, 'next.db', [2]);
      copyFileSync(next, join(dir, 'copy.db'));
      renameSync(join(dir, 'copy.db'), file);
      assert.deepEqual((await runReadOnlySql(file, 'select n from t', LIMITS, { pool })).rows, [[2]]);
    } finally {
      await pool.close();
    }
  }));

test('a pool that was never closed leaves no child when its process exits, even one stuck in a statement', async () => {
  // A separate Node process opens a pool, starts a statement that never ends, prints its child's
  // pid and exits without closing the pool. The child, busy in native code, would never notice
  // its parent is gone: only the pool's exit hook can end it.
  await withDir(async (dir) => {
    const file = storeFile(dir, 'a.db', [1]);
    const script = `
      import { SqlitePool } from ${JSON.stringify(new URL('./sqlite-pool.ts', import.meta.url).href)};
      const pool = new SqlitePool();
      await pool.run(${JSON.stringify(file)}, 'select 1', { timeoutMs: 0 });
      pool.run(${JSON.stringify(file)}, ${JSON.stringify(RUNAWAY)}, { timeoutMs: 0 }).catch(() => {});
      console.log(pool.pids()[0]);
      setTimeout(() => process.exit(0), 300);
    `;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    const pid = Number(out.trim());
    assert.ok(Number.isInteger(pid) && pid > 0, out);
    assert.equal(alive(pid), false);
  });
});
