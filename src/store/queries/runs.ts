import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { CollectionRunsTable, CollectionScopesTable } from '../tables/collection-runs.ts';

/**
 * A new run's timestamp: never earlier than, nor equal to, the previous run's, so that
 * "not seen at this run" (last_seen < now) is exact even when clocks step back.
 */
export async function nextRunTime(db: Kysely<Database>, wanted: Date): Promise<string> {
  const prev = await db
    .selectFrom('collection_runs')
    .select((eb) => eb.fn.max('started_at').as('m'))
    .executeTakeFirst();
  const last = prev?.m ? Date.parse(prev.m) : 0;
  return new Date(Math.max(wanted.getTime(), last + 1)).toISOString();
}

export async function startRun(
  db: Kysely<Database>,
  runId: string,
  startedAt: string,
  accounts: number,
): Promise<void> {
  await db
    .insertInto('collection_runs')
    .values({
      run_id: runId,
      started_at: startedAt,
      finished_at: null,
      status: 'running',
      accounts,
      scopes_ok: 0,
      scopes_failed: 0,
      api_calls: 0,
      images_seen: 0,
    })
    .execute();
}

export async function finishRun(
  db: Kysely<Database>,
  runId: string,
  fields: Pick<
    CollectionRunsTable,
    'finished_at' | 'status' | 'scopes_ok' | 'scopes_failed' | 'api_calls' | 'images_seen'
  >,
): Promise<void> {
  await db.updateTable('collection_runs').set(fields).where('run_id', '=', runId).execute();
}

export async function recordScope(db: Kysely<Database>, row: CollectionScopesTable): Promise<void> {
  await db.insertInto('collection_scopes').values(row).execute();
}

export async function latestRun(db: Kysely<Database>): Promise<CollectionRunsTable | undefined> {
  return db
    .selectFrom('collection_runs')
    .selectAll()
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export async function scopesOfRun(db: Kysely<Database>, runId: string): Promise<CollectionScopesTable[]> {
  return db
    .selectFrom('collection_scopes')
    .selectAll()
    .where('run_id', '=', runId)
    .orderBy('account_id')
    .orderBy('region')
    .execute();
}
