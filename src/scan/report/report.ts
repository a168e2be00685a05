import type { ControlResult } from '../checks/engine.ts';
import type { Finding } from '../checks/verdict.ts';
import type { ScanResult } from '../scan-image.ts';

/** A report renders a finished scan as text; one file per format, listed in index.ts. */
export interface ScanReport {
  readonly id: string;
  readonly description: string;
  render(result: ScanResult, options?: { color?: boolean }): string;
}

export function defineReport(report: ScanReport): ScanReport {
  return report;
}

/** Findings of a control with the rule they came from. */
export function findingsOf(c: ControlResult): Array<Finding & { ruleId: string; severity: string }> {
  return c.rules.flatMap((r) =>
    r.verdict.status === 'fail'
      ? r.verdict.findings.map((f) => ({ ...f, ruleId: r.ruleId, severity: r.severity }))
      : [],
  );
}

/** The verdict's one-line explanation for non-pass, non-fail verdicts. */
export function reasonOf(c: ControlResult): string | undefined {
  const v = c.verdict;
  return v.status === 'manual' || v.status === 'not-applicable'
    ? v.reason
    : v.status === 'error'
      ? v.cause
      : undefined;
}

export function packageSummary(r: ScanResult): string {
  const p = r.packages;
  return p.status === 'ok' ? `${p.packages.length} (${p.manager})` : `${p.status}: ${p.reason}`;
}

/** Stable ordering: catalog, then section, then control id in natural order ("1.10" after "1.9"). */
export function compareControls(a: ControlResult, b: ControlResult): number {
  return (
    a.catalogId.localeCompare(b.catalogId) ||
    a.control.section.localeCompare(b.control.section, undefined, { numeric: true }) ||
    a.control.id.localeCompare(b.control.id, undefined, { numeric: true })
  );
}
