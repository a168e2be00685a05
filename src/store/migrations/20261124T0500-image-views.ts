import type { Kysely } from 'kysely';

/**
 * ImageAllowed moves from the shared image row to one row per viewing account-region: AWS judges
 * it by the caller's own criteria, so one value per image was right for one account at most.
 * The old column's values are dropped, not moved: the account they were judged for was not kept
 * (the last writer could differ from seen_by_account). The next collection fills image_views.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('image_views')
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('image_allowed', 'integer')
    .addColumn('discovered_via', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_seen', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .addPrimaryKeyConstraint('image_views_pk', ['image_id', 'account_id', 'region'] as never[])
    .execute();
  // The collector marks a scope's unseen rows deleted by account and region.
  await db.schema
    .createIndex('image_views_scope')
    .on('image_views')
    .columns(['account_id', 'region'] as never[])
    .execute();
  await db.schema.alterTable('images').dropColumn('image_allowed').execute();
}
