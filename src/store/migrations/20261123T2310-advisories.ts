import type { Kysely } from 'kysely';

/** Advisory feeds imported by `amiwarden advisories update` (see docs/vulns.md). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('advisory_imports')
    .addColumn('import_id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('release', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  let rows = db.schema.createTable('advisory_rows');
  for (const col of [
    'source',
    'location',
    'advisory_id',
    'distro',
    'release',
    'package_name',
    'package_kind',
    'arch',
  ])
    rows = rows.addColumn(col, 'text', (c) => c.notNull());
  rows = rows
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fixed_version', 'text')
    .addColumn('affected_from', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('fix_date', 'text')
    .addColumn('cves', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('import_id', 'text', (c) => c.notNull());
  await rows
    .addPrimaryKeyConstraint('advisory_rows_pk', [
      'source',
      'location',
      'advisory_id',
      'distro',
      'release',
      'package_name',
      'arch',
    ] as never[])
    .execute();
  // Matching reads one distribution release at a time, package by package.
  await db.schema
    .createIndex('advisory_rows_lookup')
    .on('advisory_rows')
    .columns(['distro', 'release', 'package_name'])
    .execute();
}
