import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import pg from 'pg';
import { AmwError, messageOf } from '../errors.ts';
import { isPostgresUrl } from './db.ts';

export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/**
 * Runs user SQL without any way to change the store: SQLite is opened readonly and only
 * reader statements run; PostgreSQL runs one prepared statement inside a READ ONLY
 * transaction on a session that defaults to read-only.
 */
export async function runReadOnlyQuery(target: string, text: string): Promise<QueryResult> {
  return isPostgresUrl(target) ? queryPostgres(target, text) : querySqlite(target, text);
}

function querySqlite(path: string, text: string): QueryResult {
  if (!existsSync(path))
    throw new AmwError('AMW_STORE_OPEN', `no asset store at ${path} (run amiwarden collect or demo first)`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new AmwError('AMW_STORE_OPEN', `cannot open ${path}: ${messageOf(err)}`, { cause: err });
  }
  try {
    let stmt: Database.Statement;
    try {
      stmt = db.prepare(text);
    } catch (err) {
      throw new AmwError('AMW_QUERY_INVALID', `invalid SQL: ${messageOf(err)}`, { cause: err });
    }
    if (!stmt.reader)
      throw new AmwError(
        'AMW_QUERY_READ_ONLY',
        'queries are read-only: the statement returns no rows or writes',
      );
    const columns = stmt.columns().map((c) => c.name);
    try {
      return { columns, rows: stmt.raw(true).all() as unknown[][] };
    } catch (err) {
      if (/readonly/i.test(messageOf(err)))
        throw new AmwError('AMW_QUERY_READ_ONLY', `queries are read-only: ${messageOf(err)}`);
      throw new AmwError('AMW_QUERY_INVALID', `query failed: ${messageOf(err)}`, { cause: err });
    }
  } finally {
    db.close();
  }
}

async function queryPostgres(url: string, text: string): Promise<QueryResult> {
  const client = new pg.Client({ connectionString: url, options: '-c default_transaction_read_only=on' });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new AmwError('AMW_STORE_OPEN', `cannot connect to the store: ${messageOf(err)}`, { cause: err });
  }
  try {
    await client.query('begin read only');
    // values: [] forces the extended protocol, which refuses several statements in one string.
    const res = await client.query({ text, values: [], rowMode: 'array' });
    await client.query('rollback');
    return { columns: res.fields.map((f) => f.name), rows: res.rows as unknown[][] };
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '25006')
      throw new AmwError('AMW_QUERY_READ_ONLY', `queries are read-only: ${messageOf(err)}`);
    throw new AmwError('AMW_QUERY_INVALID', `invalid SQL: ${messageOf(err)}`, { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}
