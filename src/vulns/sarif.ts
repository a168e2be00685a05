import type { VulnFinding, VulnReport } from './findings.ts';
import type { Severity } from './model.ts';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  negligible: 'note',
  unknown: 'warning',
};

function message(f: VulnFinding): string {
  const head = `${f.package} ${f.installed}${f.sourcePackage && f.sourcePackage !== f.package ? ` (source ${f.sourcePackage})` : ''}`;
  if (f.status === 'fixed')
    return `${head}: fixed in ${f.fixedVersion} since ${f.fixDate} (${f.fixAgeDays} days), not applied`;
  return `${head}: ${f.status === 'no-fix' ? 'no fix available yet' : 'the distribution will not fix this'}`;
}

/**
 * SARIF 2.1.0 rules and results for a vulnerability report, for the scan's SARIF report to add to
 * its run: one rule per advisory, one result per affected package, located by package name.
 */
export function vulnSarif(report: VulnReport): { rules: unknown[]; results: unknown[] } {
  const rules = new Map<string, unknown>();
  const results: unknown[] = [];
  for (const f of report.findings) {
    if (!rules.has(f.advisoryId))
      rules.set(f.advisoryId, {
        id: f.advisoryId,
        name: f.advisoryId,
        shortDescription: {
          text: f.cves.length > 0 ? `${f.advisoryId}: ${f.cves.join(', ')}` : f.advisoryId,
        },
        properties: {
          severity: f.severity,
          source: f.source,
          cves: f.cves,
          tags: ['security', 'vulnerability'],
        },
      });
    results.push({
      ruleId: f.advisoryId,
      level: f.status === 'fixed' ? LEVEL[f.severity] : 'note',
      message: { text: message(f) },
      locations: [{ logicalLocations: [{ name: f.package, kind: 'package' }] }],
      properties: {
        status: f.status,
        installed: f.installed,
        fixedVersion: f.fixedVersion,
        fixDate: f.fixDate,
        fixAgeDays: f.fixAgeDays,
        severity: f.severity,
      },
    });
  }
  return { rules: [...rules.values()], results };
}
