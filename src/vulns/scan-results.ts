import type { Kysely } from 'kysely';
import { AmwError } from '../errors.ts';
import type { InstalledPackage } from '../scan/packages/types.ts';
import { unscannableReason } from '../scan/store/scan-store.ts';
import type { ScanTables } from '../scan/store/scan-tables.ts';
import { insertChunked } from '../store/insert-chunked.ts';
import type { Database } from '../store/schema.ts';
import { vulnFacts } from './facts.ts';
import type { VulnReport } from './findings.ts';
import { loadAdvisoryIndex } from './index-build.ts';
import type { MatchOptions } from './match.ts';
import { matchPackages } from './match.ts';

/** Row shapes of migration 20261123T2350-advisory-scan-results. */
export interface VulnScanTables {
  advisory_scan_summaries: {
    scan_id: string;
    matched_at: string;
    distro: string;
    release: string;
    missing_security_updates: number;
    missing_critical: number;
    missing_high: number;
    missing_medium: number;
    missing_low: number;
    unfixed: number;
    oldest_fix_age_days: number | null;
    pending_updates: number;
    /** JSON array of strings. */
    warnings: string;
  };
  advisory_scan_findings: {
    scan_id: string;
    advisory_id: string;
    source: string;
    package: string;
    source_package: string | null;
    installed: string;
    fixed_version: string | null;
    status: string;
    severity: string;
    fix_date: string | null;
    fix_date_source: string | null;
    fix_age_days: number | null;
    cves: string;
  };
  advisory_scan_pending: {
    scan_id: string;
    package: string;
    installed: string;
    candidate: string;
    suite: string;
    first_seen: string;
    age_days: number;
  };
}

type Db = Kysely<Database & ScanTables & VulnScanTables>;
const CHUNK = 200;

/** The scan to match: a scan id, or the latest scan of an image id. */
export async function resolveScanId(
  db: Kysely<Database>,
  ref: { scanId?: string; imageId?: string },
): Promise<string> {
  const d = db as unknown as Db;
  if (ref.scanId) return ref.scanId;
  const latest = await d
    .selectFrom('scans')
    .select('scan_id')
    .where('image_id', '=', ref.imageId ?? '')
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!latest) throw new AmwError('AMW_NOT_FOUND', `no stored scan for image ${ref.imageId}`);
  return latest.scan_id;
}

/**
 * Matches a stored scan's package inventory against the stored advisories (offline) and stores the
 * result with the scan, replacing an earlier match: new advisories reach old scans without rescanning.
 */
export async function matchStoredScan(
  db: Kysely<Database>,
  scanId: string,
  now: Date,
  opts: MatchOptions = {},
): Promise<VulnReport> {
  const d = db as unknown as Db;
  const scan = await d.selectFrom('scans').selectAll().where('scan_id', '=', scanId).executeTakeFirst();
  if (!scan) throw new AmwError('AMW_NOT_FOUND', `no stored scan ${scanId}`);
  // An image that was never read has no package database at all: say why, not "unreadable".
  const unscannable = unscannableReason(scan);
  if (unscannable !== undefined)
    throw new AmwError(
      'AMW_SCAN_UNSCANNABLE',
      `scan ${scanId}: image ${scan.image_id} was unscannable: ${unscannable}; no packages to match`,
    );
  // An unreadable package database must never read as "nothing to patch".
  if (scan.packages_status !== 'ok')
    throw new AmwError(
      'AMW_SCAN_SOURCE',
      `scan ${scanId}: package database ${scan.packages_status}; nothing to match`,
    );
  const rows = await d.selectFrom('scan_packages').selectAll().where('scan_id', '=', scanId).execute();
  const packages: InstalledPackage[] = rows.map((p) => ({
    manager: p.manager as InstalledPackage['manager'],
    name: p.name,
    version: p.version,
    ...(p.arch ? { arch: p.arch } : {}),
    ...(p.epoch !== null ? { epoch: p.epoch } : {}),
    ...(p.source_name ? { sourceName: p.source_name } : {}),
    ...(p.source_version ? { sourceVersion: p.source_version } : {}),
  }));
  const os = { id: scan.os_id, versionId: scan.os_version };
  const report = matchPackages(packages, os, await loadAdvisoryIndex(db, os, packages), now, opts);
  await storeVulnReport(db, scanId, report, now);
  return report;
}

/** Stores a match result with its scan, replacing an earlier one (also used by `scan --image`). */
export async function storeVulnReport(
  db: Kysely<Database>,
  scanId: string,
  report: VulnReport,
  now: Date,
): Promise<void> {
  const d = db as unknown as Db;
  const facts = vulnFacts(report);
  await d.transaction().execute(async (tx) => {
    for (const t of ['advisory_scan_findings', 'advisory_scan_pending', 'advisory_scan_summaries'] as const)
      await tx.deleteFrom(t).where('scan_id', '=', scanId).execute();
    await tx
      .insertInto('advisory_scan_summaries')
      .values({
        scan_id: scanId,
        matched_at: now.toISOString(),
        distro: report.distro,
        release: report.release,
        missing_security_updates: facts.missingSecurityUpdates,
        missing_critical: facts.missingBySeverity.critical,
        missing_high: facts.missingBySeverity.high,
        missing_medium: facts.missingBySeverity.medium,
        missing_low: facts.missingBySeverity.low,
        unfixed: facts.unfixed,
        oldest_fix_age_days: facts.oldestFixAgeDays,
        pending_updates: facts.pendingUpdates,
        warnings: JSON.stringify(report.warnings),
      })
      .execute();
    const findings = report.findings.map((f) => ({
      scan_id: scanId,
      advisory_id: f.advisoryId,
      source: f.source,
      package: f.package,
      source_package: f.sourcePackage,
      installed: f.installed,
      fixed_version: f.fixedVersion,
      status: f.status,
      severity: f.severity,
      fix_date: f.fixDate,
      fix_date_source: f.fixDateSource,
      fix_age_days: f.fixAgeDays,
      cves: JSON.stringify(f.cves),
    }));
    await insertChunked(tx, 'advisory_scan_findings', findings, CHUNK);
    const pending = report.pendingUpdates.map((p) => ({
      scan_id: scanId,
      package: p.package,
      installed: p.installed,
      candidate: p.candidate,
      suite: p.suite,
      first_seen: p.firstSeen,
      age_days: p.ageDays,
    }));
    await insertChunked(tx, 'advisory_scan_pending', pending, CHUNK);
  });
}

/** The stored match summary of a scan, for reports and the policy `scan` filter. */
export async function scanVulnSummary(
  db: Kysely<Database>,
  scanId: string,
): Promise<VulnScanTables['advisory_scan_summaries'] | undefined> {
  const d = db as unknown as Db;
  return d.selectFrom('advisory_scan_summaries').selectAll().where('scan_id', '=', scanId).executeTakeFirst();
}
