import type { OsInfo } from '../os/types.ts';
import type { InstalledPackage } from '../packages/types.ts';
import type { ScanVulns } from '../../vulns/scan-vulns.ts';

// CycloneDX ratings know none/info/low/medium/high/critical/unknown; "negligible" is their "info".
const RATING: Record<string, string> = { negligible: 'info' };

/**
 * The CycloneDX 1.5 `vulnerabilities` section: one entry per unapplied advisory, affecting the
 * installed package's component. "no fix yet" and "will not fix" are said in `analysis`, never
 * dropped; without advisory data there is no section (the metadata says "not checked").
 */
export function cyclonedxVulnerabilities(
  vulns: ScanVulns | undefined,
  packages: readonly InstalledPackage[],
  os: OsInfo,
  purlOf: (p: InstalledPackage, os: OsInfo) => string,
): object[] | undefined {
  if (vulns?.status !== 'checked') return undefined;
  const byName = new Map(packages.map((p) => [p.name, p]));
  return vulns.report.findings.map((f) => {
    const pkg = byName.get(f.package);
    return {
      id: f.advisoryId,
      source: { name: f.source },
      ...(f.cves.length ? { references: f.cves.map((id) => ({ id, source: { name: 'NVD' } })) } : {}),
      ratings: [{ severity: RATING[f.severity] ?? f.severity }],
      ...(f.fixedVersion ? { recommendation: `upgrade ${f.package} to ${f.fixedVersion}` } : {}),
      ...(f.status === 'will-not-fix'
        ? {
            analysis: {
              state: 'exploitable',
              response: ['will_not_fix'],
              detail: 'the distribution will not fix it',
            },
          }
        : f.status === 'no-fix'
          ? { analysis: { state: 'exploitable', detail: 'no fix available yet' } }
          : {}),
      affects: [
        { ref: pkg ? purlOf(pkg, os) : f.package, versions: [{ version: f.installed, status: 'affected' }] },
      ],
      properties: [
        { name: 'amiwarden:vuln:status', value: f.status },
        ...(f.fixDate ? [{ name: 'amiwarden:vuln:fix-date', value: f.fixDate }] : []),
        ...(f.fixAgeDays !== null
          ? [{ name: 'amiwarden:vuln:fix-age-days', value: String(f.fixAgeDays) }]
          : []),
      ],
    };
  });
}
