import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { TABLE_KEYS } from './schema.ts';
import type { Database, HistoryTable } from './schema.ts';

/** Row values without the history columns, which the writer owns. */
export type RowOf<T extends HistoryTable> = Omit<Database[T], 'first_seen' | 'last_seen' | 'deleted_at'>;

type Loose = Record<string, Record<string, unknown>>;
type AnyDb = Kysely<Database> | Transaction<Database>;

/** Parameters per statement stay well under SQLite's and PostgreSQL's bind limits. */
const MAX_PARAMS = 8000;

/**
 * Upserts rows seen at `now`: new rows get first_seen = now, every row gets last_seen = now
 * and loses any deleted_at (it came back). `updateColumns` limits which columns a re-seen
 * row overwrites (a non-owner must not overwrite owner-only facts); revive: false leaves
 * deleted_at of an existing row alone.
 */
export async function upsertRows<T extends HistoryTable>(
  db: AnyDb,
  table: T,
  rows: RowOf<T>[],
  now: string,
  updateColumns?: readonly string[],
  opts: { revive?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const keys = TABLE_KEYS[table] as readonly string[];
  const loose = db as unknown as Kysely<Loose>;
  const first = rows[0] as Record<string, unknown>;
  const cols = Object.keys(first);
  const update = (updateColumns ?? cols).filter((c) => !keys.includes(c));
  const perRow = cols.length + 3;
  const chunk = Math.max(1, Math.floor(MAX_PARAMS / perRow));
  // Several collectors may report the same key in one batch (an image seen twice); the last wins.
  const unique = new Map<string, Record<string, unknown>>();
  for (const r of rows as Record<string, unknown>[])
    unique.set(keys.map((k) => String(r[k])).join('\u0000'), r);
  const all = [...unique.values()];
  for (let i = 0; i < all.length; i += chunk) {
    const values = all
      .slice(i, i + chunk)
      .map((r) => ({ ...r, first_seen: now, last_seen: now, deleted_at: null }));
    await loose
      .insertInto(table)
      .values(values)
      .onConflict((oc) =>
        oc.columns(keys as string[]).doUpdateSet(updateSet(update, now, opts.revive ?? true) as never),
      )
      .execute();
  }
}

function updateSet(cols: string[], now: string, revive: boolean): Record<string, unknown> {
  const set: Record<string, unknown> = revive ? { last_seen: now, deleted_at: null } : { last_seen: now };
  for (const c of cols) set[c] = sql.ref(`excluded.${c}`);
  return set;
}

/** A WHERE on the rows one collection scope owns (e.g. account_id + region). */
export type Scope = Record<string, string | number | readonly string[]>;

/**
 * Marks rows of a scope that this collection did not see as deleted. Call only after
 * every page of that scope was read: a failed page must never delete anything.
 */
export async function markUnseenDeleted(
  db: AnyDb,
  table: HistoryTable,
  scope: Scope,
  now: string,
): Promise<number> {
  const listCol = Object.entries(scope).find(([, v]) => Array.isArray(v));
  if (listCol) {
    // Long id lists are split so each statement stays under the bind-parameter limits.
    const [col, ids] = listCol as [string, readonly string[]];
    let n = 0;
    for (let i = 0; i < ids.length; i += MAX_PARAMS)
      n += await markScope(db, table, { ...scope, [col]: ids.slice(i, i + MAX_PARAMS) }, now);
    return n;
  }
  return markScope(db, table, scope, now);
}

async function markScope(db: AnyDb, table: HistoryTable, scope: Scope, now: string): Promise<number> {
  const loose = db as unknown as Kysely<Loose>;
  let q = loose
    .updateTable(table)
    .set({ deleted_at: now })
    .where('deleted_at', 'is', null)
    .where('last_seen', '<', now);
  for (const [col, val] of Object.entries(scope)) {
    if (Array.isArray(val)) {
      if (val.length === 0) return 0;
      q = q.where(col, 'in', val as string[]);
    } else q = q.where(col, '=', val as string);
  }
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows ?? 0);
}

/** Upsert plus delete-marking of one scope, as one step. */
export async function syncRows<T extends HistoryTable>(
  db: AnyDb,
  table: T,
  rows: RowOf<T>[],
  scope: Scope,
  now: string,
): Promise<void> {
  await upsertRows(db, table, rows, now);
  await markUnseenDeleted(db, table, scope, now);
}
