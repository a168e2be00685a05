// bench/sql-console: small SQL console statements through runReadOnlySql on a SQLite store, each
// in a child of its own (what `amiwarden query` does) vs a pooled child (what the API server
// does), in the same process. Machines are noisy: the ratio is what to compare.
// Usage: node --import tsx bench/sql-console.ts [queries=200]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { upsertRows } from '../src/store/sync.ts';
import { openStore } from '../src/store/db.ts';
import { runReadOnlySql, SqlitePool } from '../src/store/read-only-sql/index.ts';
import type { ReadOnlySqlOptions } from '../src/store/read-only-sql/index.ts';

const N = Number(process.argv[2] ?? 200);
const dir = mkdtempSync(join(tmpdir(), 'amw-bench-sql-'));
const file = join(dir, 'amiwarden.db');
const LIMITS = { timeoutMs: 5000, maxRows: 1000 };

try {
  const store = await openStore(file);
  const none = { email: null, state: null, source: 'config', role_arn: null };
  await upsertRows(
    store.db,
    'accounts',
    Array.from({ length: 50 }, (_v, i) => ({ account_id: String(100000000000 + i), name: `a${i}`, ...none })),
    'T1',
  );
  await store.close();

  // Console-sized statements, each a little different (no statement cache can answer for us).
  const statement = (i: number) =>
    i % 2 === 0
      ? `select account_id, name from accounts where account_id >= '${100000000000 + (i % 50)}' limit 5`
      : `select count(*) as n, ${i} as i from accounts`;

  async function series(label: string, options: ReadOnlySqlOptions): Promise<number> {
    const t0 = performance.now();
    for (let i = 0; i < N; i++) {
      const r = await runReadOnlySql(file, statement(i), LIMITS, options);
      if (r.rows.length === 0) throw new Error(`no rows for statement ${i}`);
    }
    const ms = performance.now() - t0;
    console.log(`  ${label.padEnd(38)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / N).toFixed(2)} ms/query`);
    return ms;
  }

  console.log(`${N} small SQL console statements on SQLite:`);
  const forked = await series('a child per statement', {});
  const pool = new SqlitePool();
  // The pool's first statement starts its child: counted, as a server's first click would be.
  const pooled = await series('pooled child (first start included)', { pool });
  await pool.close();
  console.log(`ratio child-per-statement / pooled: ${(forked / pooled).toFixed(1)}x`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
