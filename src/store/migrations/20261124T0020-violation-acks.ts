import type { Kysely } from 'kysely';

/** Acknowledgements from the dashboard/API: someone has seen a violation and owns the follow-up. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('violation_acks')
    .addColumn('violation_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('who', 'text', (c) => c.notNull())
    .addColumn('note', 'text')
    .addPrimaryKeyConstraint('violation_acks_pk', ['violation_id', 'at', 'who'] as never[])
    .execute();
}
