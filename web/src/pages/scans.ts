import { api } from '../api.ts';
import { badge, clear, fmtDate, h, table } from '../dom.ts';

export interface ScanRow {
  scan_id: string;
  image_id: string;
  started_at: string;
  os_name: string;
  completeness: string;
  /** Set when the image could not be read at all (completeness unscannable). */
  unscannable_reason: string | null;
  passed: number;
  failed: number;
  manual: number;
  errors: number;
  package_count: number;
}

/**
 * A scan's completeness as a badge; an unscannable scan reads "unscannable: reason" so its empty
 * counts are never taken for a clean image.
 */
export function completenessBadge(s: Pick<ScanRow, 'completeness' | 'unscannable_reason'>): HTMLElement {
  if (s.completeness === 'unscannable')
    return badge(`unscannable: ${s.unscannable_reason ?? 'unknown reason'}`, 'bad');
  return badge(
    s.completeness,
    s.completeness === 'complete' ? 'ok' : s.completeness === 'failed' ? 'bad' : 'warn',
  );
}

/** Counts mean nothing for a scan that read nothing: shown as dashes, not zeros. */
export const count = (s: Pick<ScanRow, 'completeness'>, n: number): string | number =>
  s.completeness === 'unscannable' ? '—' : n;

/** The columns every scan table shows after the scan's link; `summaryCells` fills them. */
export const SUMMARY_COLUMNS = ['when', 'OS', 'completeness', 'pass', 'fail', 'manual', 'errors'];

export function summaryCells(
  s: Omit<ScanRow, 'image_id' | 'package_count'>,
): (string | number | HTMLElement)[] {
  return [
    fmtDate(s.started_at),
    s.os_name,
    completenessBadge(s),
    count(s, s.passed),
    count(s, s.failed),
    count(s, s.manual),
    count(s, s.errors),
  ];
}

export async function renderScans(app: HTMLElement): Promise<void> {
  const list = await api<ScanRow[]>('/api/scans');
  clear(
    app,
    h('h1', {}, 'Scans'),
    list.length
      ? null
      : h('p', { class: 'muted' }, 'No stored scans yet: amiwarden scan dir:ROOT --image ami-… stores one.'),
    table(
      ['scan', 'image', ...SUMMARY_COLUMNS, 'packages'],
      list.map((s) => [
        h('a', { href: `#/scans/${s.scan_id}` }, s.scan_id),
        h('a', { href: `#/images/${s.image_id}` }, s.image_id),
        ...summaryCells(s),
        count(s, s.package_count),
      ]),
      { id: 'scans-list' },
    ),
  );
}

interface ScanDetail {
  scan: ScanRow & { gaps: unknown };
  sections: ({ section: string } & Record<string, number | string>)[];
  findings: { control_id: string; rule_id: string; severity: string; message: string; path: string | null }[];
  packages: { name: string; version: string; arch: string; manager: string }[];
}

export async function renderScan(app: HTMLElement, id: string): Promise<void> {
  const d = await api<ScanDetail>(`/api/scans/${encodeURIComponent(id)}`);
  const bar = (s: Record<string, number | string>) => {
    const pass = Number(s.pass ?? 0);
    const fail = Number(s.fail ?? 0);
    const total = Math.max(
      1,
      pass + fail + Number(s.manual ?? 0) + Number(s['not-applicable'] ?? 0) + Number(s.error ?? 0),
    );
    return h(
      'div',
      { class: 'bar', title: `${pass} pass, ${fail} fail` },
      h('span', { class: 'pass', style: `width:${(100 * pass) / total}%` }),
      h('span', { class: 'fail', style: `width:${(100 * fail) / total}%` }),
    );
  };
  clear(
    app,
    h('h1', {}, `Scan ${d.scan.scan_id}`),
    h(
      'p',
      {},
      h('a', { href: `#/images/${d.scan.image_id}` }, d.scan.image_id),
      ` · ${d.scan.os_name || '—'} · ${d.scan.started_at} · `,
      completenessBadge(d.scan),
    ),
  );
  if (d.scan.completeness === 'unscannable') {
    app.append(
      h(
        'section',
        { class: 'card', id: 'scan-unscannable' },
        h('h2', {}, 'Unscannable'),
        h('p', { class: 'error' }, `unscannable: ${d.scan.unscannable_reason ?? 'unknown reason'}`),
        h(
          'p',
          { class: 'muted' },
          'Nothing of the image was read, so nothing was checked: this is not a clean result. ' +
            'Share the snapshots (and the KMS key) with the scanning account, then scan again.',
        ),
      ),
    );
    return;
  }
  app.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Sections'),
      table(
        ['section', 'pass', 'fail', 'manual', 'n/a', 'error', ''],
        d.sections.map((s) => [
          s.section,
          s.pass ?? 0,
          s.fail ?? 0,
          s.manual ?? 0,
          s['not-applicable'] ?? 0,
          s.error ?? 0,
          bar(s),
        ]),
        { id: 'scan-sections' },
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, `Findings (${d.findings.length})`),
      table(
        ['control', 'rule', 'severity', 'message', 'path'],
        d.findings.map((f) => [f.control_id, f.rule_id, f.severity, f.message, f.path ?? '']),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, `Packages (${d.packages.length})`),
      table(
        ['name', 'version', 'arch', 'manager'],
        d.packages.map((p) => [p.name, p.version, p.arch, p.manager]),
      ),
    ),
  );
}
