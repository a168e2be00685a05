import type { ControlResult } from '../checks/engine.ts';
import { vulnSuite } from './vulns-junit.ts';
import { compareControls, defineReport, findingsOf, reasonOf } from './report.ts';

export const xmlEscape = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 cannot carry most control characters, even escaped.
    // eslint-disable-next-line no-control-regex
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '?');

/** JUnit XML: a testsuite per catalog, a testcase per control; manual and n/a are skipped, not passed. */
export const report = defineReport({
  id: 'junit',
  description: 'JUnit XML for CI test reporting',
  render(r) {
    const byCatalog = new Map<string, ControlResult[]>();
    for (const c of [...r.controls].sort(compareControls))
      byCatalog.set(c.catalogId, [...(byCatalog.get(c.catalogId) ?? []), c]);
    const suites: string[] = [];
    for (const [catalog, controls] of byCatalog) {
      const n = (s: string): number => controls.filter((c) => c.verdict.status === s).length;
      const cases = controls.map((c) => {
        const head = `    <testcase classname="${xmlEscape(`${catalog}.${c.control.section}`)}" name="${xmlEscape(`${c.control.id} ${c.control.title}`)}">`;
        const v = c.verdict;
        let body = '';
        if (v.status === 'fail') {
          const text = findingsOf(c)
            .map((f) => `${f.message}${f.path ? ` (${f.path}${f.line ? `:${f.line}` : ''})` : ''}`)
            .join('\n');
          body = `\n      <failure message="${xmlEscape(findingsOf(c)[0]?.message ?? 'failed')}" type="${c.severity}">${xmlEscape(text)}</failure>\n    `;
        } else if (v.status === 'error') body = `\n      <error message="${xmlEscape(v.cause)}"/>\n    `;
        else if (v.status !== 'pass')
          body = `\n      <skipped message="${xmlEscape(`${v.status}: ${reasonOf(c) ?? ''}`)}"/>\n    `;
        return `${head}${body}</testcase>`;
      });
      suites.push(
        `  <testsuite name="${xmlEscape(catalog)}" tests="${controls.length}" failures="${n('fail')}" errors="${n('error')}" skipped="${n('manual') + n('not-applicable')}">\n${cases.join('\n')}\n  </testsuite>`,
      );
    }
    // Completeness as its own testcase, so CI shows a partial or failed scan instead of a clean run.
    const gaps = xmlEscape(r.gaps.map((g) => `${g.part}: ${g.reason}`).join('\n'));
    const verdict =
      r.completeness === 'failed'
        ? `<error message="scan failed">${gaps}</error>`
        : r.completeness === 'partial'
          ? `<skipped message="scan partial: ${r.gaps.length} part(s) not read"/>`
          : '';
    suites.push(
      `  <testsuite name="scan" tests="1" failures="0" errors="${r.completeness === 'failed' ? 1 : 0}" skipped="${r.completeness === 'partial' ? 1 : 0}">\n` +
        `    <testcase classname="scan" name="completeness">${verdict}</testcase>\n` +
        (r.gaps.length ? `    <system-out>${gaps}</system-out>\n` : '') +
        `  </testsuite>`,
    );
    const vulns = vulnSuite(r, xmlEscape);
    if (vulns) suites.push(vulns.xml);
    return (
      `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="amiwarden scan ${xmlEscape(r.source)}" tests="${r.counts.total + 1 + (vulns?.tests ?? 0)}" failures="${r.counts.fail + (vulns?.failures ?? 0)}" errors="${r.counts.error + (r.completeness === 'failed' ? 1 : 0)}">\n` +
      `${suites.join('\n')}\n</testsuites>\n`
    );
  },
});
