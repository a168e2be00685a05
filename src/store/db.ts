import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { AmwError, messageOf } from '../errors.ts';
import { migrateLedger, pendingMigrations } from './ledger.ts';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database as Schema } from './schema.ts';

/** The asset store's migration ledger table. */
const STORE_LEDGER = 'amw_migrations';

export type StoreDialect = 'sqlite' | 'postgres';

export interface Store {
  readonly db: Kysely<Schema>;
  readonly dialect: StoreDialect;
  /** Where the store lives, with any password masked, for messages. */
  readonly target: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Open for reading only: SQLite readonly, PostgreSQL sessions default to READ ONLY. */
  readOnly?: boolean;
  /**
   * Apply pending migrations (default true unless readOnly). A read-only open that leaves this
   * unset instead refuses a store an older amiwarden wrote, with what to run, rather than
   * failing later on a missing table or column.
   */
  migrate?: boolean;
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

function maskUrl(target: string): string {
  return target.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/** Opens the asset store: a SQLite file path or a postgres:// URL. */
export async function openStore(target: string, opts: OpenOptions = {}): Promise<Store> {
  const readOnly = opts.readOnly ?? false;
  const shown = maskUrl(target);
  let db: Kysely<Schema>;
  let dialect: StoreDialect;
  if (isPostgresUrl(target)) {
    dialect = 'postgres';
    const pool = new pg.Pool({
      connectionString: target,
      max: 4,
      ...(readOnly ? { options: '-c default_transaction_read_only=on' } : {}),
    });
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      client.release();
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw new AmwError('AMW_STORE_OPEN', `cannot connect to ${shown}: ${messageOf(err)}`, { cause: err });
    }
    db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  } else {
    dialect = 'sqlite';
    let handle: Database.Database;
    try {
      handle = new Database(target, { readonly: readOnly, fileMustExist: readOnly });
      if (!readOnly) {
        handle.pragma('journal_mode = WAL');
        handle.pragma('synchronous = NORMAL');
      }
      handle.pragma('busy_timeout = 5000');
    } catch (err) {
      throw new AmwError('AMW_STORE_OPEN', `cannot open ${shown}: ${messageOf(err)}`, { cause: err });
    }
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: handle }) });
  }
  const store: Store = { db, dialect, target: shown, close: () => db.destroy() };
  try {
    if (opts.migrate ?? !readOnly) await migrateToLatest(db);
    else if (opts.migrate === undefined) await refuseOutdated(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

/** Refuses a store whose schema lacks migrations this version has (read-only opens only). */
async function refuseOutdated(store: Store): Promise<void> {
  const pending = await pendingMigrations(store.db, MIGRATIONS, STORE_LEDGER);
  if (pending === undefined)
    throw new AmwError(
      'AMW_STORE_OPEN',
      `${store.target} is not an amiwarden store (no schema ledger); run amiwarden collect or demo with --db ${store.target} first`,
    );
  if (pending.length > 0)
    throw new AmwError(
      'AMW_STORE_OPEN',
      `${store.target} was written by an older amiwarden: ${pending.length} schema migration(s) pending ` +
        `(${pending.join(', ')}); run a command that writes to it (amiwarden collect) to bring it up to date`,
    );
}

export async function migrateToLatest(db: Kysely<Schema>): Promise<void> {
  await migrateLedger(db, MIGRATIONS, STORE_LEDGER);
}
