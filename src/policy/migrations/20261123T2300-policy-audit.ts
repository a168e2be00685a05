import type { Kysely } from 'kysely';

// Text/integer columns only, like the asset store, so SQLite and PostgreSQL read the same.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_audit')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('policy_audit_resource')
    .on('policy_audit')
    .columns(['resource_id', 'time'])
    .execute();
  await db.schema.createIndex('policy_audit_run').on('policy_audit').columns(['run_id']).execute();
  await db.schema
    .createTable('policy_notifications')
    .addColumn('run_id', 'text', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('region', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending until the workflow engine picks the request up
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .execute();
  await db.schema
    .createIndex('policy_notifications_status')
    .on('policy_notifications')
    .columns(['status'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('policy_notifications').execute();
  await db.schema.dropTable('policy_audit').execute();
}
