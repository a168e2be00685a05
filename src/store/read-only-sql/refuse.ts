import { AmwError } from '../../errors.ts';
import { readOnlyError } from './types.ts';

// Statements SQLite reports as readers, or that PostgreSQL allows in a read-only transaction,
// which still change the connection, its settings or the file.
// PRAGMA name(arg) both sets values and, for a few introspection pragmas, reads: those few pass.
const REFUSED =
  /^\s*(?:(?:attach|detach|vacuum|reindex|analyze)\b|pragma\s+[\w.]+\s*=|pragma\s+(?!(?:\w+\.)?(?:table_x?info|index_list|index_x?info|foreign_key_list)\s*\()[\w.]+\s*\()/i;

/**
 * Refuses what no read-only query should run, before the database sees it, and returns the
 * statement without trailing semicolons. The database's own read-only mode is the second line
 * (SQLite opened readonly + query_only; PostgreSQL READ ONLY transaction).
 */
export function checkReadOnlySql(sql: string): string {
  const end = firstSeparator(sql);
  if (end >= 0 && skipComments(sql.slice(end), true) !== '') throw readOnlyError('one statement at a time');
  const body = end < 0 ? sql.trimEnd() : sql.slice(0, end).trimEnd();
  if (skipComments(body) === '') throw new AmwError('AMW_QUERY_INVALID', 'invalid SQL: empty statement');
  if (REFUSED.test(skipComments(body)))
    throw readOnlyError('ATTACH, DETACH, PRAGMA writes, VACUUM, REINDEX and ANALYZE are refused');
  return body;
}

/**
 * The text after leading whitespace and comments (and semicolons, with `semicolons`): comments
 * in front of a statement must not hide its first keyword, nor a trailing `;` count as a second.
 */
function skipComments(sql: string, semicolons = false): string {
  let s = sql;
  for (;;) {
    const t = semicolons ? s.replace(/^[\s;]+/, '') : s.trimStart();
    if (t.startsWith('--')) s = t.includes('\n') ? t.slice(t.indexOf('\n') + 1) : '';
    else if (t.startsWith('/*')) s = t.includes('*/') ? t.slice(t.indexOf('*/') + 2) : '';
    else return t;
  }
}

/** Index of the first `;` outside quotes and comments, or -1. */
function firstSeparator(sql: string): number {
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
    else if (c === ';') return i;
  }
  return -1;
}
