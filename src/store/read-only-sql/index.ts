import { Value } from '@sinclair/typebox/value';
import { AmwError } from '../../errors.ts';
import { isPostgresUrl } from '../db.ts';
import { checkReadOnlySql } from './refuse.ts';
import { runPostgres } from './postgres.ts';
import { runSqlite } from './sqlite.ts';
import type { SqlitePool } from './sqlite-pool.ts';
import { ReadOnlySqlLimitsSchema } from './types.ts';
import type { ReadOnlySqlLimits, ReadOnlySqlResult } from './types.ts';

export { API_SQL_LIMITS, CLI_SQL_TIMEOUT_SECONDS, ReadOnlySqlLimitsSchema } from './types.ts';
export type { ReadOnlySqlLimits, ReadOnlySqlResult, SqlCell } from './types.ts';
export { jsonCell, jsonRows } from './cells.ts';
export { SqlitePool } from './sqlite-pool.ts';

export interface ReadOnlySqlOptions {
  /** SQLite children to reuse (the API server); without one each statement gets its own child. */
  readonly pool?: SqlitePool;
}

/**
 * Runs one statement of user SQL without any way to change the store, for `amiwarden query`
 * and the API console alike: the same pre-checks and refusals, a time limit on both engines
 * (a killed child process for SQLite, statement_timeout for PostgreSQL), an optional row cap,
 * and one cell encoding on both engines (cells.ts).
 */
export async function runReadOnlySql(
  target: string,
  sql: string,
  limits: ReadOnlySqlLimits,
  options: ReadOnlySqlOptions = {},
): Promise<ReadOnlySqlResult> {
  // Limits come from flags (serve --sql-timeout-ms, query --timeout): refuse nonsense plainly.
  if (!Value.Check(ReadOnlySqlLimitsSchema, limits))
    throw new AmwError(
      'AMW_USAGE',
      `SQL limits need a whole timeoutMs >= 0 and maxRows >= 1: ${JSON.stringify(limits)}`,
    );
  const body = checkReadOnlySql(sql);
  return isPostgresUrl(target)
    ? runPostgres(target, body, limits)
    : runSqlite(target, body, limits, options.pool);
}
