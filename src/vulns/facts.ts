import type { VulnFinding, VulnReport } from './findings.ts';
import { SEVERITIES, severityRank } from './model.ts';
import type { Severity } from './model.ts';

/** The numbers a stored scan keeps and the policy engine's `scan` filter reads. */
export interface VulnFacts {
  /** Distinct advisories with a fix available and not applied. */
  readonly missingSecurityUpdates: number;
  /** The same, per severity. */
  readonly missingBySeverity: Readonly<Record<Severity, number>>;
  /** Advisories that apply with no fix yet or that will not be fixed. */
  readonly unfixed: number;
  readonly oldestFixAgeDays: number | null;
  readonly pendingUpdates: number;
}

export function vulnFacts(report: VulnReport): VulnFacts {
  const fixed = report.findings.filter((f) => f.status === 'fixed');
  const distinct = (fs: readonly VulnFinding[]) => new Set(fs.map((f) => f.advisoryId)).size;
  const missingBySeverity = Object.fromEntries(
    SEVERITIES.map((s) => [s, distinct(fixed.filter((f) => f.severity === s))]),
  ) as Record<Severity, number>;
  return {
    missingSecurityUpdates: distinct(fixed),
    missingBySeverity,
    unfixed: distinct(report.findings.filter((f) => f.status !== 'fixed')),
    oldestFixAgeDays: report.summary.oldestUnappliedFix?.fixAgeDays ?? null,
    pendingUpdates: report.pendingUpdates.length,
  };
}

/** Unapplied fixes of at least `severity` published more than `days` ago ("critical fixes older than 14 days"). */
export function overdueFixes(report: VulnReport, severity: Severity, days: number): VulnFinding[] {
  return report.findings.filter(
    (f) =>
      f.status === 'fixed' &&
      severityRank(f.severity) <= severityRank(severity) &&
      f.fixAgeDays !== null &&
      f.fixAgeDays > days,
  );
}
