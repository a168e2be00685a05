import type { PendingUpdate, SeverityCounts, VulnFinding, VulnSummary } from './findings.ts';
import { SEVERITIES } from './model.ts';
import type { Severity } from './model.ts';

/** Counts by severity and status, and the oldest fix still not applied. */
export function summarise(findings: readonly VulnFinding[], pending: readonly PendingUpdate[]): VulnSummary {
  const counts = Object.fromEntries(
    SEVERITIES.map((s) => [s, { fixAvailable: 0, noFix: 0, willNotFix: 0 }]),
  ) as Record<Severity, { fixAvailable: number; noFix: number; willNotFix: number }>;
  let oldest: VulnSummary['oldestUnappliedFix'] = null;
  for (const f of findings) {
    const c = counts[f.severity];
    if (f.status === 'fixed') c.fixAvailable++;
    else if (f.status === 'no-fix') c.noFix++;
    else c.willNotFix++;
    if (f.status === 'fixed' && f.fixDate && f.fixAgeDays !== null) {
      if (!oldest || f.fixAgeDays > oldest.fixAgeDays)
        oldest = {
          advisoryId: f.advisoryId,
          package: f.package,
          severity: f.severity,
          fixDate: f.fixDate,
          fixAgeDays: f.fixAgeDays,
        };
    }
  }
  return {
    bySeverity: counts as Record<Severity, SeverityCounts>,
    fixAvailable: findings.filter((f) => f.status === 'fixed').length,
    oldestUnappliedFix: oldest,
    pendingUpdates: pending.length,
    oldestPendingUpdateDays: pending.length === 0 ? null : Math.max(...pending.map((p) => p.ageDays)),
  };
}
