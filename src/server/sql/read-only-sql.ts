import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { AmwError } from '../../errors.ts';

export interface SqlResult {
  readonly columns: string[];
  readonly rows: unknown[][];
  /** More rows matched than the row cap allowed. */
  readonly truncated: boolean;
}

export interface SqlLimits {
  readonly timeoutMs: number;
  readonly maxRows: number;
}

export const DEFAULT_SQL_LIMITS: SqlLimits = { timeoutMs: 5000, maxRows: 1000 };

// Statements that sqlite reports as read-only but that change the connection or settings.
const REFUSED = /^\s*(attach|detach|pragma\s+[\w.]+\s*=|pragma\s+[\w.]+\s*\(|vacuum|reindex|analyze)\b/i;

/**
 * Refuses what no read-only console should run, before the database sees it: more than one
 * statement, ATTACH/DETACH, PRAGMA assignments. The database's own read-only mode is the
 * second line (SQLite opened readonly + query_only; PostgreSQL READ ONLY transaction).
 */
export function refuseUnsafeSql(sql: string): void {
  const body = stripTrailingSemicolons(sql);
  if (body.trim() === '') throw new AmwError('AMW_QUERY_INVALID', 'empty SQL');
  if (REFUSED.test(body))
    throw new AmwError('AMW_QUERY_READ_ONLY', 'ATTACH, DETACH and PRAGMA writes are refused');
  if (hasSecondStatement(body)) throw new AmwError('AMW_QUERY_READ_ONLY', 'one statement at a time');
}

function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/** True when a `;` outside quotes and comments separates two statements. */
function hasSecondStatement(sql: string): boolean {
  let quote: string | undefined;
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '-' && sql[i + 1] === '-')
      i = sql.indexOf('\n', i) < 0 ? sql.length : sql.indexOf('\n', i);
    else if (c === '/' && sql[i + 1] === '*')
      i = sql.indexOf('*/', i) < 0 ? sql.length : sql.indexOf('*/', i) + 1;
    else if (c === ';') return true;
  }
  return false;
}

export async function runReadOnlySql(
  target: string,
  sql: string,
  limits: SqlLimits = DEFAULT_SQL_LIMITS,
): Promise<SqlResult> {
  refuseUnsafeSql(sql);
  const body = stripTrailingSemicolons(sql);
  return /^postgres(ql)?:\/\//i.test(target)
    ? runPostgres(target, body, limits)
    : runSqlite(target, body, limits);
}

function runSqlite(file: string, sql: string, limits: SqlLimits): Promise<SqlResult> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./sqlite-readonly-child.mjs', import.meta.url)), [], {
      execArgv: ['--max-old-space-size=256'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      settle(() =>
        reject(
          new AmwError('AMW_QUERY_INVALID', `query ran longer than ${limits.timeoutMs} ms and was stopped`),
        ),
      );
    }, limits.timeoutMs);
    child.once('message', (msg: { ok: boolean; kind?: string; message?: string } & SqlResult) =>
      settle(() => {
        if (msg.ok) resolve({ columns: msg.columns, rows: msg.rows, truncated: msg.truncated });
        else
          reject(
            new AmwError(
              msg.kind === 'write' ? 'AMW_QUERY_READ_ONLY' : 'AMW_QUERY_INVALID',
              msg.message ?? 'query failed',
            ),
          );
      }),
    );
    child.once('exit', (code, signal) =>
      settle(() =>
        reject(
          new AmwError('AMW_QUERY_INVALID', `query process ended (${signal ?? code}) without an answer`),
        ),
      ),
    );
    child.once('error', (err) =>
      settle(() => reject(new AmwError('AMW_QUERY_INVALID', err.message, { cause: err }))),
    );
    child.send({ file, sql, maxRows: limits.maxRows });
  });
}

async function runPostgres(url: string, sql: string, limits: SqlLimits): Promise<SqlResult> {
  const client = new pg.Client({
    connectionString: url,
    statement_timeout: limits.timeoutMs,
    // count(*) and other bigints: numbers, as SQLite gives them, rather than strings.
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === 20 ? Number : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  await client.connect().catch((err: Error) => {
    throw new AmwError('AMW_STORE_OPEN', `cannot connect to the store: ${err.message}`, { cause: err });
  });
  try {
    await client.query('begin transaction read only');
    // The extended protocol (a values array) makes the server refuse several statements in one string.
    const res = await client.query({ text: sql, values: [], rowMode: 'array' });
    await client.query('rollback');
    const rows = (res.rows as unknown[][]) ?? [];
    return {
      columns: (res.fields ?? []).map((f) => f.name),
      rows: rows.slice(0, limits.maxRows),
      truncated: rows.length > limits.maxRows,
    };
  } catch (err) {
    const e = err as { code?: string; message: string };
    // 25006: read_only_sql_transaction
    throw new AmwError(e.code === '25006' ? 'AMW_QUERY_READ_ONLY' : 'AMW_QUERY_INVALID', e.message, {
      cause: err,
    });
  } finally {
    await client.end().catch(() => undefined);
  }
}
