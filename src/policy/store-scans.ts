import type { Kysely } from 'kysely';
import { loadCheckSet } from '../scan/checks/loader.ts';
import { unscannableReason } from '../scan/store/scan-store.ts';
import type { ScanTables } from '../scan/store/scan-tables.ts';
import type { VulnScanTables } from '../vulns/scan-results.ts';
import { loadUpdateFacts } from '../vulns/policy-facts.ts';
import type { ScanSummary } from './resource.ts';

/** CIS level of each control, from the catalogs the scanner ships (the scan rows keep only ids). */
function controlLevels(): Map<string, '1' | '2'> {
  const levels = new Map<string, '1' | '2'>();
  const set = loadCheckSet({ onProblem: () => undefined });
  for (const [catalogId, catalog] of set.catalogs)
    for (const c of catalog.controls)
      levels.set(`${catalogId}/${c.id}`, c.levels.some((l) => l.startsWith('l1_')) ? '1' : '2');
  return levels;
}

/**
 * The latest stored scan of each image, reduced to what the `scan` filter asks: failed CIS
 * controls by level, failed hygiene controls, and the stored advisory match (unknown when the scan
 * was not matched or had no advisory data); a partial, failed or unscannable scan is never reported
 * complete, and an unscannable one carries its reason.
 */
export async function latestScans(db: Kysely<ScanTables>): Promise<Map<string, ScanSummary>> {
  const scans = await db
    .selectFrom('scans')
    .select(['scan_id', 'image_id', 'started_at', 'completeness', 'gaps'])
    .orderBy('started_at')
    .execute();
  const latest = new Map<string, (typeof scans)[number]>();
  for (const s of scans) latest.set(s.image_id, s); // ordered by time: the last one wins
  if (latest.size === 0) return new Map();
  const byScan = new Map([...latest.values()].map((s) => [s.scan_id, s]));
  const failed = await db
    .selectFrom('scan_controls')
    .select(['scan_id', 'catalog_id', 'control_id'])
    .where('status', '=', 'fail')
    .execute();
  const levels = controlLevels();
  const updates = await loadUpdateFacts(db as unknown as Kysely<VulnScanTables>, [...byScan.keys()]);
  const out = new Map<string, ScanSummary>();
  for (const s of latest.values()) {
    const u = updates.get(s.scan_id);
    const unscannable = unscannableReason(s);
    out.set(s.image_id, {
      ...(unscannable !== undefined ? { unscannable } : {}),
      scannedAt: s.started_at,
      complete: s.completeness === 'complete',
      cisFailures: {},
      hygieneFindings: 0,
      missingSecurityUpdates: u?.checked ? new Set(u.unapplied.map((f) => f.advisoryId)).size : undefined,
      ...(u ? { securityUpdates: u } : {}),
    });
  }
  for (const f of failed) {
    const scan = byScan.get(f.scan_id);
    const summary = scan ? out.get(scan.image_id) : undefined;
    if (!summary) continue;
    if (f.catalog_id === 'hygiene') summary.hygieneFindings++;
    else {
      const level = levels.get(`${f.catalog_id}/${f.control_id}`) ?? '2';
      summary.cisFailures[level] = (summary.cisFailures[level] ?? 0) + 1;
    }
  }
  return out;
}
