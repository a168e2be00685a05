import type { ControlResult } from '../checks/engine.ts';
import type { VerdictStatus } from '../checks/verdict.ts';
import { formatVulnReport } from '../../vulns/format.ts';
import { compareControls, defineReport, findingsOf, packageSummary, reasonOf } from './report.ts';

const MARK: Record<VerdictStatus, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  manual: 'MANUAL',
  'not-applicable': 'N/A',
  error: 'ERROR',
};
const COLOR: Record<VerdictStatus, string> = {
  pass: '\x1b[32m',
  fail: '\x1b[31m',
  manual: '\x1b[33m',
  'not-applicable': '\x1b[90m',
  error: '\x1b[35m',
};

/** The default terminal report: controls grouped by catalog and section, with counts per section. */
export const report = defineReport({
  id: 'table',
  description: 'terminal table grouped by section with pass/fail/manual counts',
  render(r, options = {}) {
    const paint = (s: VerdictStatus, text: string): string =>
      options.color ? `${COLOR[s]}${text}\x1b[0m` : text;
    const out: string[] = [];
    out.push(`source:       ${r.source}`);
    out.push(
      `os:           ${r.os.prettyName}${r.os.id === 'unknown' ? '' : ` (${r.os.id} ${r.os.versionId})`}`,
    );
    out.push(`packages:     ${packageSummary(r)}`);
    out.push(`completeness: ${r.completeness.toUpperCase()}`);
    for (const g of r.gaps.slice(0, 20)) out.push(`  - ${g.part}: ${g.reason}`);
    if (r.gaps.length > 20) out.push(`  - ... ${r.gaps.length - 20} more`);
    const groups = new Map<string, ControlResult[]>();
    for (const c of [...r.controls].sort(compareControls)) {
      const key = `${c.catalogId} / ${c.control.section}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const idWidth = Math.min(24, Math.max(4, ...r.controls.map((c) => c.control.id.length)));
    for (const [key, controls] of groups) {
      const n = (s: VerdictStatus): number => controls.filter((c) => c.verdict.status === s).length;
      const counts = [`${n('pass')} pass`, `${n('fail')} fail`, `${n('manual')} manual`];
      if (n('not-applicable')) counts.push(`${n('not-applicable')} n/a`);
      if (n('error')) counts.push(`${n('error')} error`);
      out.push('', `${key}  [${counts.join(', ')}]`);
      for (const c of controls) {
        const s = c.verdict.status;
        out.push(`  ${paint(s, MARK[s].padEnd(6))} ${c.control.id.padEnd(idWidth)} ${c.control.title}`);
        for (const f of findingsOf(c).slice(0, 5))
          out.push(`         - ${f.message}${f.path ? ` (${f.path}${f.line ? `:${f.line}` : ''})` : ''}`);
        const more = findingsOf(c).length - 5;
        if (more > 0) out.push(`         - ... ${more} more`);
        const why = reasonOf(c);
        if (why && s !== 'not-applicable') out.push(`         ${why}`);
      }
    }
    if (r.vulns?.status === 'checked')
      out.push('', 'missing security updates:', formatVulnReport(r.vulns.report));
    else if (r.vulns) out.push('', `missing security updates: not checked (${r.vulns.reason})`);
    const k = r.counts;
    out.push(
      '',
      `total ${k.total}: ${k.pass} pass, ${k.fail} fail, ${k.manual} manual, ${k['not-applicable']} n/a, ${k.error} error; scan ${r.completeness} in ${r.durationMs} ms`,
    );
    return out.join('\n') + '\n';
  },
});
