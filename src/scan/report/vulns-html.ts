import { SEVERITIES } from '../../vulns/model.ts';
import type { ScanResult } from '../scan-image.ts';

/** The missing-security-updates section of the HTML report; "not checked" says why, never "none". */
export function vulnSection(r: ScanResult, esc: (s: string) => string): string {
  const v = r.vulns;
  if (!v) return '';
  const head = '<h2>Missing security updates</h2>';
  if (v.status === 'not-checked') return `${head}<p class="manual">not checked: ${esc(v.reason)}</p>`;
  const rep = v.report;
  const counts = SEVERITIES.map((s) => [s, rep.summary.bySeverity[s]] as const)
    .filter(([, c]) => c.fixAvailable + c.noFix + c.willNotFix > 0)
    .map(
      ([s, c]) =>
        `<span class="badge">${s}: ${c.fixAvailable} fixable, ${c.noFix} no fix, ${c.willNotFix} won't fix</span>`,
    )
    .join('');
  const warnings = rep.warnings.map((w) => `<li class="manual">${esc(w)}</li>`).join('');
  const rows = rep.findings.map(
    (f) =>
      `<tr><td class="${f.status === 'fixed' ? 'fail' : 'manual'}">${f.severity}</td><td>${esc(f.advisoryId)}${f.cves.length ? `<div>${esc(f.cves.join(', '))}</div>` : ''}</td><td>${esc(f.package)}${f.sourcePackage && f.sourcePackage !== f.package ? ` (${esc(f.sourcePackage)})` : ''}</td><td><code>${esc(f.installed)}</code></td><td>${f.fixedVersion ? `<code>${esc(f.fixedVersion)}</code>` : f.status === 'no-fix' ? 'no fix yet' : 'will not fix'}</td><td>${esc(f.fixDate ?? '')}</td><td>${f.fixAgeDays ?? ''}</td></tr>`,
  );
  return (
    `${head}<p>${esc(`${rep.distro} ${rep.release}`)}: ${rep.findings.length} advisories apply, ${rep.pendingUpdates.length} pending updates ${counts}</p>` +
    (warnings ? `<ul>${warnings}</ul>` : '') +
    (rows.length
      ? `<table><tr><th>severity</th><th>advisory</th><th>package</th><th>installed</th><th>fixed</th><th>fix date</th><th>age (days)</th></tr>${rows.join('')}</table>`
      : '')
  );
}
