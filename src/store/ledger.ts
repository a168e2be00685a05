import { Migrator } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { AmwError, messageOf } from '../errors.ts';

/**
 * Brings one set of migrations up to date under its own ledger table, so the asset store, the
 * policy engine and the workflow each add tables without editing another's migration list.
 */
export async function migrateLedger<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>>,
  ledger: string,
  what = 'migration',
): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
    migrationTableName: ledger,
    migrationLockTableName: `${ledger}_lock`,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new AmwError('AMW_STORE_MIGRATION', `${what} ${failed} failed: ${messageOf(error)}`, {
      cause: error,
    });
  }
}

/**
 * Names of `migrations` the ledger has not recorded, without applying anything (read-only
 * stores); undefined when there is no readable ledger, i.e. nothing ever migrated this store.
 */
export async function pendingMigrations<DB>(
  db: Kysely<DB>,
  migrations: Readonly<Record<string, Migration>>,
  ledger: string,
): Promise<string[] | undefined> {
  let applied: Set<string>;
  try {
    // Kysely's ledger table: one row per applied migration, by name.
    const ledgerDb = db as unknown as Kysely<Record<string, { name: string }>>;
    const rows = await ledgerDb.selectFrom(ledger).select('name').execute();
    applied = new Set(rows.map((r) => r.name));
  } catch {
    return undefined;
  }
  return Object.keys(migrations).filter((name) => !applied.has(name));
}
