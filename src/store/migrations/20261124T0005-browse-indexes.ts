import type { Kysely } from 'kysely';

/** Indexes for browsing images newest-first and for the usage counts the API and dashboard show. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('images_creation_date').on('images').column('creation_date').execute();
  await db.schema
    .createIndex('ltv_image_default')
    .on('launch_template_versions')
    .columns(['image_id', 'deleted_at'])
    .execute();
  await db.schema
    .createIndex('lp_image')
    .on('launch_permissions')
    .columns(['image_id', 'deleted_at'])
    .execute();
}
