import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import type { VulnScanTables } from './scan-results.ts';
import { SEVERITIES, severityRank } from './model.ts';
import type { Severity } from './model.ts';

/** What the `scan` filter knows of a scan's missing security updates (advisory_scan_* tables). */
export interface ScanUpdateFacts {
  /** False when the scan was never matched, or matched without advisory data for its OS. */
  readonly checked: boolean;
  readonly reason?: string;
  /** Unapplied fixes (status fixed): advisory, severity and fix age. */
  readonly unapplied: ReadonlyArray<{ advisoryId: string; severity: Severity; fixAgeDays: number | null }>;
}

export const MissingUpdatesSchema = Type.Object(
  {
    /** Lowest severity that counts (default: low). */
    severity: Type.Optional(Type.Union(SEVERITIES.map((s) => Type.Literal(s)))),
    /** Only fixes available for more than this many days. */
    'older-than-days': Type.Optional(Type.Integer({ minimum: 0 })),
    /** Matching advisories needed (default 1). */
    min: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type MissingUpdates = Static<typeof MissingUpdatesSchema>;

/** Distinct advisories among the unapplied fixes that meet the criterion. */
export function overdueAdvisories(facts: ScanUpdateFacts, c: MissingUpdates): string[] {
  // Without a severity every unapplied fix counts, unknown and negligible ones included.
  const floor = c.severity ? severityRank(c.severity) : SEVERITIES.length;
  const days = c['older-than-days'];
  const hits = facts.unapplied.filter(
    (f) =>
      severityRank(f.severity) <= floor &&
      (days === undefined || (f.fixAgeDays !== null && f.fixAgeDays > days)),
  );
  return [...new Set(hits.map((f) => f.advisoryId))].sort();
}

// Warnings matchPackages gives when it could not match at all: such a scan is unknown, not clean.
const UNCHECKED = /^(no advisory data for|no version comparison for|advisory index is for)/;

/** Reads the stored match of each scan; a scan absent from the result was never matched ("not checked"). */
export async function loadUpdateFacts(
  db: Kysely<VulnScanTables>,
  scanIds: readonly string[],
): Promise<Map<string, ScanUpdateFacts>> {
  const out = new Map<string, ScanUpdateFacts>();
  for (let i = 0; i < scanIds.length; i += 500) {
    const ids = scanIds.slice(i, i + 500);
    const sums = await db
      .selectFrom('advisory_scan_summaries')
      .select(['scan_id', 'warnings'])
      .where('scan_id', 'in', ids)
      .execute();
    const fixes = await db
      .selectFrom('advisory_scan_findings')
      .select(['scan_id', 'advisory_id', 'severity', 'fix_age_days'])
      .where('scan_id', 'in', ids)
      .where('status', '=', 'fixed')
      .execute();
    const byScan = new Map<string, typeof fixes>();
    for (const f of fixes) byScan.set(f.scan_id, [...(byScan.get(f.scan_id) ?? []), f]);
    for (const s of sums) {
      const blocking = (JSON.parse(s.warnings) as string[]).find((w) => UNCHECKED.test(w));
      out.set(s.scan_id, {
        checked: !blocking,
        ...(blocking ? { reason: blocking } : {}),
        unapplied: (byScan.get(s.scan_id) ?? []).map((f) => ({
          advisoryId: f.advisory_id,
          severity: f.severity as Severity,
          fixAgeDays: f.fix_age_days === null ? null : Number(f.fix_age_days),
        })),
      });
    }
  }
  return out;
}
