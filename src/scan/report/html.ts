import type { ControlResult } from '../checks/engine.ts';
import { xmlEscape as esc } from './junit.ts';
import { vulnSection } from './vulns-html.ts';
import { compareControls, defineReport, findingsOf, packageSummary, reasonOf } from './report.ts';

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.6em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}td,th{padding:.25em .5em;text-align:left;vertical-align:top;border-bottom:1px solid #eee}
.pass{color:#176f2c}.fail{color:#b00020;font-weight:600}.manual{color:#8a6d00}.not-applicable{color:#777}.error{color:#7b1fa2;font-weight:600}
.meta td:first-child{color:#555;width:9em}ul{margin:.2em 0 .2em 1.2em;padding:0}code{font-size:.92em}
.badge{display:inline-block;padding:.1em .5em;border-radius:.6em;background:#eee;margin-right:.4em}`;

/** One self-contained HTML file (inline CSS, no scripts, no external assets). */
export const report = defineReport({
  id: 'html',
  description: 'one self-contained HTML file',
  render(r) {
    const groups = new Map<string, ControlResult[]>();
    for (const c of [...r.controls].sort(compareControls)) {
      const key = `${c.catalogId} / ${c.control.section}`;
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    const sections = [...groups].map(([key, controls]) => {
      const n = (s: string): number => controls.filter((c) => c.verdict.status === s).length;
      const rows = controls.map((c) => {
        const findings = findingsOf(c)
          .map(
            (f) =>
              `<li>${esc(f.message)}${f.path ? ` <code>${esc(f.path)}${f.line ? `:${f.line}` : ''}</code>` : ''}</li>`,
          )
          .join('');
        const why = reasonOf(c);
        return `<tr><td class="${c.verdict.status}">${c.verdict.status}</td><td>${esc(c.control.id)}</td><td>${esc(c.control.title)}${findings ? `<ul>${findings}</ul>` : ''}${why ? `<div class="${c.verdict.status}">${esc(why)}</div>` : ''}</td><td>${c.severity}</td></tr>`;
      });
      return `<h2>${esc(key)}</h2><p><span class="badge pass">${n('pass')} pass</span><span class="badge fail">${n('fail')} fail</span><span class="badge manual">${n('manual')} manual</span><span class="badge">${n('not-applicable')} n/a</span>${n('error') ? `<span class="badge error">${n('error')} error</span>` : ''}</p><table><tr><th>verdict</th><th>id</th><th>control</th><th>severity</th></tr>${rows.join('')}</table>`;
    });
    const gaps = r.gaps.length
      ? `<ul>${r.gaps.map((g) => `<li>${esc(g.part)}: ${esc(g.reason)}</li>`).join('')}</ul>`
      : '';
    const k = r.counts;
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>amiwarden scan: ${esc(r.source)}</title><style>${STYLE}</style></head>
<body><h1>amiwarden scan</h1>
<table class="meta"><tr><td>source</td><td><code>${esc(r.source)}</code></td></tr>
<tr><td>os</td><td>${esc(r.os.prettyName)}</td></tr><tr><td>packages</td><td>${esc(packageSummary(r))}</td></tr>
<tr><td>completeness</td><td class="${r.completeness === 'complete' ? 'pass' : r.completeness === 'partial' ? 'manual' : 'error'}">${r.completeness}${gaps}</td></tr>
<tr><td>started</td><td>${esc(r.startedAt)} (${r.durationMs} ms)</td></tr>
<tr><td>controls</td><td>${k.total}: ${k.pass} pass, ${k.fail} fail, ${k.manual} manual, ${k['not-applicable']} n/a, ${k.error} error</td></tr></table>
${sections.join('\n')}
${vulnSection(r, esc)}
</body></html>
`;
  },
});
