import type { VulnReport } from './findings.ts';
import { SEVERITIES } from './model.ts';
import { textTable } from '../text-table.ts';

/** A terminal rendering: findings, pending updates, summary, then warnings. */
export function formatVulnReport(r: VulnReport): string {
  const out: string[] = [
    `${r.distro} ${r.release}: ${r.findings.length} advisories apply, ${r.pendingUpdates.length} pending updates`,
  ];
  if (r.findings.length > 0) {
    out.push('');
    out.push(
      ...textTable(
        ['SEVERITY', 'ADVISORY', 'PACKAGE', 'INSTALLED', 'FIXED', 'FIX DATE', 'AGE'],
        r.findings.map((f) => [
          f.severity,
          f.advisoryId,
          f.sourcePackage && f.sourcePackage !== f.package ? `${f.package} (${f.sourcePackage})` : f.package,
          f.installed,
          f.fixedVersion ?? (f.status === 'will-not-fix' ? 'will not fix' : 'no fix yet'),
          f.fixDate ?? '',
          f.fixAgeDays === null ? '' : `${f.fixAgeDays}d`,
        ]),
      ),
    );
  }
  if (r.pendingUpdates.length > 0) {
    out.push('');
    out.push(
      ...textTable(
        ['PENDING UPDATE', 'INSTALLED', 'CANDIDATE', 'SUITE', 'AGE'],
        r.pendingUpdates.map((p) => [p.package, p.installed, p.candidate, p.suite, `${p.ageDays}d`]),
      ),
    );
  }
  out.push('');
  const sev = SEVERITIES.map((s) => [s, r.summary.bySeverity[s]] as const).filter(
    ([, c]) => c.fixAvailable + c.noFix + c.willNotFix > 0,
  );
  out.push(
    `summary: ${sev.map(([s, c]) => `${s} ${c.fixAvailable} fixable/${c.noFix} no fix/${c.willNotFix} won't fix`).join(', ') || 'nothing applies'}`,
  );
  const o = r.summary.oldestUnappliedFix;
  if (o)
    out.push(
      `oldest unapplied fix: ${o.advisoryId} (${o.package}, ${o.severity}) since ${o.fixDate}, ${o.fixAgeDays} days`,
    );
  for (const w of r.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}
