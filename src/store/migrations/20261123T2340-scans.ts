import type { Kysely } from 'kysely';

/** Image scans (`amiwarden scan --image`): one row per scan, its control verdicts, findings and packages. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('scans')
    .addColumn('scan_id', 'text', (c) => c.primaryKey())
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('os_id', 'text', (c) => c.notNull())
    .addColumn('os_version', 'text', (c) => c.notNull())
    .addColumn('os_name', 'text', (c) => c.notNull())
    .addColumn('completeness', 'text', (c) => c.notNull())
    .addColumn('gaps', 'text', (c) => c.notNull())
    .addColumn('packages_status', 'text', (c) => c.notNull())
    .addColumn('package_count', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('manual', 'integer', (c) => c.notNull())
    .addColumn('not_applicable', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .execute();
  // Policies ask "the latest scan of this image".
  await db.schema.createIndex('scans_image').on('scans').columns(['image_id', 'started_at']).execute();
  await db.schema
    .createTable('scan_controls')
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('catalog_id', 'text', (c) => c.notNull())
    .addColumn('control_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('section', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addPrimaryKeyConstraint('scan_controls_pk', ['scan_id', 'catalog_id', 'control_id'] as never[])
    .execute();
  await db.schema
    .createTable('scan_findings')
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('catalog_id', 'text', (c) => c.notNull())
    .addColumn('control_id', 'text', (c) => c.notNull())
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('path', 'text')
    .addColumn('line', 'integer')
    .addPrimaryKeyConstraint('scan_findings_pk', ['scan_id', 'seq'] as never[])
    .execute();
  await db.schema
    .createTable('scan_packages')
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('manager', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('arch', 'text', (c) => c.notNull())
    .addColumn('epoch', 'integer')
    .addColumn('source_name', 'text')
    .addColumn('source_version', 'text')
    .addColumn('license', 'text')
    .addPrimaryKeyConstraint('scan_packages_pk', ['scan_id', 'manager', 'name', 'arch'] as never[])
    .execute();
}
