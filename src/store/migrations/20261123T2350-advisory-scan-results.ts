import type { Kysely } from 'kysely';

/** Advisory matches of stored scans (`amiwarden advisories match`); see docs/vulns.md. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('advisory_scan_summaries')
    .addColumn('scan_id', 'text', (c) => c.primaryKey())
    .addColumn('matched_at', 'text', (c) => c.notNull())
    .addColumn('distro', 'text', (c) => c.notNull())
    .addColumn('release', 'text', (c) => c.notNull())
    .addColumn('missing_security_updates', 'integer', (c) => c.notNull())
    .addColumn('missing_critical', 'integer', (c) => c.notNull())
    .addColumn('missing_high', 'integer', (c) => c.notNull())
    .addColumn('missing_medium', 'integer', (c) => c.notNull())
    .addColumn('missing_low', 'integer', (c) => c.notNull())
    .addColumn('unfixed', 'integer', (c) => c.notNull())
    .addColumn('oldest_fix_age_days', 'integer')
    .addColumn('pending_updates', 'integer', (c) => c.notNull())
    .addColumn('warnings', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('advisory_scan_findings')
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('advisory_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('source_package', 'text')
    .addColumn('installed', 'text', (c) => c.notNull())
    .addColumn('fixed_version', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('fix_date', 'text')
    .addColumn('fix_date_source', 'text')
    .addColumn('fix_age_days', 'integer')
    .addColumn('cves', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_scan_findings_pk', [
      'scan_id',
      'advisory_id',
      'source',
      'package',
    ] as never[])
    .execute();
  await db.schema
    .createTable('advisory_scan_pending')
    .addColumn('scan_id', 'text', (c) => c.notNull())
    .addColumn('package', 'text', (c) => c.notNull())
    .addColumn('installed', 'text', (c) => c.notNull())
    .addColumn('candidate', 'text', (c) => c.notNull())
    .addColumn('suite', 'text', (c) => c.notNull())
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('age_days', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('advisory_scan_pending_pk', ['scan_id', 'package'] as never[])
    .execute();
}
