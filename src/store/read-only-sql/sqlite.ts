import { existsSync } from 'node:fs';
import { AmwError } from '../../errors.ts';
import { SqliteChild } from './sqlite-process.ts';
import type { SqlitePool } from './sqlite-pool.ts';
import type { ReadOnlySqlLimits, ReadOnlySqlResult } from './types.ts';

/**
 * One statement in a child process that is killed when the time limit passes: a pooled child when
 * a pool is given (the API server), otherwise a child of its own that ends with the statement
 * (`amiwarden query` runs one statement per process, so a pool would save nothing).
 */
export async function runSqlite(
  file: string,
  sql: string,
  limits: ReadOnlySqlLimits,
  pool?: SqlitePool,
): Promise<ReadOnlySqlResult> {
  // Checked here too so a missing store is named plainly and never created.
  if (!existsSync(file))
    throw new AmwError('AMW_STORE_OPEN', `no asset store at ${file} (run amiwarden collect or demo first)`);
  if (pool) return pool.run(file, sql, limits);
  const child = new SqliteChild();
  try {
    return await child.run(file, sql, limits);
  } finally {
    await child.close();
  }
}
