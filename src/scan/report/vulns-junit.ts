import type { ScanResult } from '../scan-image.ts';

/** The security-updates testsuite: a failure per unapplied fix, skipped for no-fix, one skipped case when not checked. */
export function vulnSuite(
  r: ScanResult,
  esc: (s: string) => string,
): { xml: string; tests: number; failures: number } | undefined {
  const v = r.vulns;
  if (!v) return undefined;
  const wrap = (cases: string[], failures: number, skipped: number): string =>
    `  <testsuite name="security-updates" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}">\n${cases.join('\n')}\n  </testsuite>`;
  if (v.status === 'not-checked') {
    const c = `    <testcase classname="security-updates" name="advisory match"><skipped message="${esc(`not checked: ${v.reason}`)}"/></testcase>`;
    return { xml: wrap([c], 0, 1), tests: 1, failures: 0 };
  }
  const findings = v.report.findings;
  if (findings.length === 0) {
    const c = `    <testcase classname="security-updates" name="no unapplied security fixes"/>`;
    return { xml: wrap([c], 0, 0), tests: 1, failures: 0 };
  }
  let failures = 0;
  const cases = findings.map((f) => {
    const head = `    <testcase classname="${esc(`security-updates.${f.package}`)}" name="${esc(`${f.advisoryId} ${f.package}`)}">`;
    if (f.status !== 'fixed')
      return `${head}<skipped message="${esc(f.status === 'no-fix' ? 'no fix available yet' : 'will not be fixed')}"/></testcase>`;
    failures++;
    const msg = `${f.package} ${f.installed}: fixed in ${f.fixedVersion} since ${f.fixDate} (${f.fixAgeDays} days)`;
    return `${head}<failure message="${esc(msg)}" type="${f.severity}">${esc(`${msg}\n${f.cves.join(', ')}`)}</failure></testcase>`;
  });
  return { xml: wrap(cases, failures, findings.length - failures), tests: cases.length, failures };
}
