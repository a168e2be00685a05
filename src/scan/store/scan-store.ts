import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { openStore } from '../../store/db.ts';
import type { Store } from '../../store/db.ts';
import { findingsOf, reasonOf } from '../report/report.ts';
import type { ScanResult } from '../scan-image.ts';
import type { ScanTables } from './scan-tables.ts';
import { insertChunked } from '../../store/insert-chunked.ts';

const CHUNK = 200;

/** Writes one scan with its control verdicts, findings and packages in one transaction; returns the scan id. */
export async function writeScan(store: Store, imageId: string, r: ScanResult): Promise<string> {
  const db = store.db as unknown as Kysely<ScanTables>;
  const scanId = randomUUID();
  const pkgs = r.packages.status === 'ok' ? r.packages.packages : [];
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('scans')
      .values({
        scan_id: scanId,
        image_id: imageId,
        source: r.source,
        started_at: r.startedAt,
        duration_ms: r.durationMs,
        os_id: r.os.id,
        os_version: r.os.versionId,
        os_name: r.os.prettyName,
        completeness: r.completeness,
        gaps: JSON.stringify(r.gaps),
        packages_status: r.packages.status,
        package_count: pkgs.length,
        passed: r.counts.pass,
        failed: r.counts.fail,
        manual: r.counts.manual,
        not_applicable: r.counts['not-applicable'],
        errors: r.counts.error,
      })
      .execute();
    await insertChunked(
      tx,
      'scan_controls',
      r.controls.map((c) => ({
        scan_id: scanId,
        catalog_id: c.catalogId,
        control_id: c.control.id,
        title: c.control.title,
        section: c.control.section,
        status: c.verdict.status,
        severity: c.severity,
        reason: reasonOf(c) ?? null,
      })),
      CHUNK,
    );
    let seq = 0;
    await insertChunked(
      tx,
      'scan_findings',
      r.controls.flatMap((c) =>
        findingsOf(c).map((f) => ({
          scan_id: scanId,
          seq: seq++,
          catalog_id: c.catalogId,
          control_id: c.control.id,
          rule_id: f.ruleId,
          severity: f.severity,
          message: f.message,
          path: f.path ?? null,
          line: f.line ?? null,
        })),
      ),
      CHUNK,
    );
    // A database can list one name/arch twice (multilib leftovers); the key keeps the first.
    const seen = new Set<string>();
    await insertChunked(
      tx,
      'scan_packages',
      pkgs
        .filter((p) => {
          const k = `${p.manager}\0${p.name}\0${p.arch ?? ''}`;
          return seen.has(k) ? false : (seen.add(k), true);
        })
        .map((p) => ({
          scan_id: scanId,
          manager: p.manager,
          name: p.name,
          version: p.version,
          arch: p.arch ?? '',
          epoch: p.epoch ?? null,
          source_name: p.sourceName ?? null,
          source_version: p.sourceVersion ?? null,
          license: p.license ?? null,
        })),
      CHUNK,
    );
  });
  return scanId;
}

/** Completeness of a scan row whose image could not be read at all (never clean: nothing was checked). */
export const UNSCANNABLE = 'unscannable';

/**
 * Records that an image could not be scanned (snapshots not readable, not shared, no KMS decrypt right...):
 * a `scans` row with completeness `unscannable`, the reason kept as the single gap `{part: 'source', reason}`,
 * no controls, findings or packages. Returns the scan id.
 */
export async function writeUnscannable(
  store: Store,
  imageId: string,
  source: string,
  reason: string,
  at: Date = new Date(),
): Promise<string> {
  const db = store.db as unknown as Kysely<ScanTables>;
  const scanId = randomUUID();
  await db
    .insertInto('scans')
    .values({
      scan_id: scanId,
      image_id: imageId,
      source,
      started_at: at.toISOString(),
      duration_ms: 0,
      os_id: '',
      os_version: '',
      os_name: '',
      completeness: UNSCANNABLE,
      gaps: JSON.stringify([{ part: 'source', reason }]),
      packages_status: 'unreadable',
      package_count: 0,
      passed: 0,
      failed: 0,
      manual: 0,
      not_applicable: 0,
      errors: 0,
    })
    .execute();
  return scanId;
}

/** The reason an `unscannable` scan row records (its `source` gap), or undefined for any other row. */
export function unscannableReason(row: { completeness: string; gaps: string }): string | undefined {
  if (row.completeness !== UNSCANNABLE) return undefined;
  try {
    const gaps = JSON.parse(row.gaps) as Array<{ part?: string; reason?: string }>;
    return gaps.find((g) => g.part === 'source')?.reason ?? 'unscannable';
  } catch {
    return 'unscannable';
  }
}

/** Opens the store (migrating it), writes the scan, closes it. */
export async function storeScan(target: string, imageId: string, r: ScanResult): Promise<string> {
  const store = await openStore(target);
  try {
    return await writeScan(store, imageId, r);
  } finally {
    await store.close();
  }
}
