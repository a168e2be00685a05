import pg from 'pg';
import { AmwError, messageOf } from '../../errors.ts';
import { pgCellParser } from './cells.ts';
import { failedError, invalidError, readOnlyError, timeoutError } from './types.ts';
import type { ReadOnlySqlLimits, ReadOnlySqlResult, SqlCell } from './types.ts';

/**
 * One statement in a READ ONLY transaction, on a session that defaults to read-only, bounded by
 * statement_timeout; rows past the cap are counted, not kept.
 */
export async function runPostgres(
  url: string,
  sql: string,
  limits: ReadOnlySqlLimits,
): Promise<ReadOnlySqlResult> {
  const client = new pg.Client({
    connectionString: url,
    options: '-c default_transaction_read_only=on',
    statement_timeout: limits.timeoutMs,
    // Cells as SQLite gives them (cells.ts), so the CLI and the API show the same on both engines.
    types: { getTypeParser: pgCellParser },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new AmwError('AMW_STORE_OPEN', `cannot connect to the store: ${messageOf(err)}`, { cause: err });
  }
  try {
    await client.query('begin transaction read only');
    const result = await streamRows(client, sql, limits.maxRows);
    await client.query('rollback');
    return result;
  } catch (err) {
    throw pgError(err, limits.timeoutMs);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function streamRows(client: pg.Client, sql: string, maxRows: number | undefined): Promise<ReadOnlySqlResult> {
  // The extended protocol: the server itself refuses several statements in one string.
  // (rowMode and queryMode are read by pg at run time but missing from its Query typings.)
  const config: pg.QueryConfig & { rowMode: 'array'; queryMode: 'extended' } = {
    text: sql,
    values: [],
    rowMode: 'array',
    queryMode: 'extended',
  };
  const query = new pg.Query(config);
  const rows: SqlCell[][] = [];
  let truncated = false;
  return new Promise((resolve, reject) => {
    query.on('row', (row: SqlCell[]) => {
      if (maxRows === undefined || rows.length < maxRows) rows.push(row);
      else truncated = true;
    });
    query.on('end', (res: pg.QueryResult) =>
      resolve({ columns: (res.fields ?? []).map((f) => f.name), rows, truncated }),
    );
    query.on('error', reject);
    client.query(query);
  });
}

function pgError(err: unknown, timeoutMs: number): AmwError {
  const code = (err as { code?: string }).code ?? '';
  const message = messageOf(err);
  // 25006 read_only_sql_transaction; 57014 query_canceled (statement_timeout); class 42 syntax
  // error or access rule violation (unknown table or column).
  if (code === '25006') return readOnlyError(message);
  if (code === '57014') return timeoutError(timeoutMs);
  if (code.startsWith('42')) return invalidError(message, err);
  return failedError(message, err);
}
