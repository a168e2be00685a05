// `amiwarden usage` as text and CSV; JSON is the report itself.
import { csvText, textTable } from '../text-table.ts';
import type { BreakingReference } from '../store/queries/usage-breaks.ts';
import type { ImageHeader, ImageUsageReport, UsageReportSet } from '../store/queries/usage-explain.ts';

const REF_COLS = [
  'kind',
  'ref_id',
  'account_id',
  'region',
  'state',
  'in_use',
  'cross_account',
  'since',
  'age_days',
  'stale',
] as const;
const BREAK_COLS = [
  'account_id',
  'region',
  'kind',
  'ref_id',
  'state',
  'effect',
  'via',
  'consequence',
] as const;

const LAST_LAUNCH_CAVEAT = 'reported by the owner up to 24 h late; not proof of use or non-use now';

const cell = (v: unknown): string =>
  v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v);
const cells = (rows: readonly object[], cols: readonly string[]) =>
  rows.map((r) => cols.map((c) => cell((r as Record<string, unknown>)[c])));
// The table shows the day a reference began; its age says the rest (CSV and JSON keep the time).
const tableCells = (rows: readonly object[], cols: readonly string[]) =>
  rows.map((r) =>
    cols.map((c) => {
      const v = (r as Record<string, unknown>)[c];
      return c === 'since' && typeof v === 'string' ? v.slice(0, 10) : cell(v);
    }),
  );
const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

function stateText(h: ImageHeader): string {
  const parts = [h.state];
  if (h.deregistered_but_running) parts.push('deregistered but still running');
  else if (h.deregistered && h.state !== 'deregistered') parts.push('deregistered');
  if (h.disabled && h.state !== 'disabled') parts.push('disabled');
  if (h.deprecated) parts.push(`deprecated since ${h.deprecation_time}`);
  else if (h.deprecation_time) parts.push(`deprecation set for ${h.deprecation_time}`);
  return parts.join(', ');
}

function lastLaunchText(h: ImageHeader): string {
  if (h.last_launched_time === 'unknown')
    return 'unknown (only the owner can read it, and no collection of the owner read it)';
  if (h.last_launched_time === null) return `never reported (${LAST_LAUNCH_CAVEAT})`;
  return `${h.last_launched_time} (${LAST_LAUNCH_CAVEAT})`;
}

function sharedText(h: ImageHeader, r: ImageUsageReport): string {
  if (h.shared_with === 'unknown') return 'unknown (only the owner can read launch permissions, and did not)';
  if (h.shared_with.length === 0) return 'nobody (private)';
  const unknown = new Map(
    r.unknown.map((u) => [u.account_id, u.region === null ? 'not collected' : 'usage unknown']),
  );
  return h.shared_with
    .map((g) =>
      g.kind === 'group'
        ? 'everyone (public)'
        : `${g.kind} ${g.value}${g.kind === 'account' && unknown.has(g.value) ? ` (${unknown.get(g.value)})` : ''}`,
    )
    .join(', ');
}

function section(title: string, rows: readonly object[], cols: readonly string[]): string[] {
  if (rows.length === 0) return [];
  return ['', title, ...textTable(cols, tableCells(rows, cols), { maxWidth: 100 })];
}

// The consequence repeats per kind: said once under the table, with the references it applies to.
function consequences(rows: readonly BreakingReference[]): string[] {
  if (rows.length === 0) return [];
  const by = new Map<string, string[]>();
  for (const b of rows) by.set(b.consequence, [...(by.get(b.consequence) ?? []), b.ref_id]);
  return ['consequences:', ...[...by].map(([text, refs]) => `  ${refs.join(', ')}: ${text}`)];
}

function imageText(r: ImageUsageReport, set: UsageReportSet): string[] {
  const h = r.image;
  const out = [
    `${h.image_id}  ${h.name ?? '(no name)'}`,
    `  owner          ${h.owner_id ?? 'unknown'}${h.owner_alias ? ` (${h.owner_alias})` : ''}`,
    `  region         ${h.region}`,
    `  state          ${stateText(h)}`,
    `  created        ${h.creation_date ?? 'unknown'}${h.age_days !== null ? ` (${h.age_days} days ago)` : ''}`,
    `  last launched  ${lastLaunchText(h)}`,
    `  shared with    ${sharedText(h, r)}`,
    `  verdict        ${r.verdict.text}`,
  ];
  if (r.what_breaks) {
    const breaks = r.what_breaks.filter((b) => b.effect === 'breaks');
    const accounts = new Set(breaks.map((b) => b.account_id)).size;
    const paths = `${plural(breaks.length, 'launch path')} in ${plural(accounts, 'account')}`;
    // An image that cannot launch today has already broken what still points at it.
    const gone = h.deregistered ? 'deregistered' : h.disabled ? 'disabled' : undefined;
    out.push(
      gone
        ? `  already ${gone}: ${paths} point at it and fail today`
        : `  if deregistered or disabled now: ${paths} break`,
      ...section(
        `what breaks (${r.what_breaks.length}):`,
        r.what_breaks,
        BREAK_COLS.filter((c) => c !== 'consequence'),
      ),
      ...consequences(r.what_breaks),
    );
  } else {
    const live = r.references.filter((x) => x.in_use);
    const idle = r.references.filter((x) => !x.in_use);
    out.push(
      ...section(`in use (${live.length}):`, live, REF_COLS),
      ...section(`not usage (${idle.length}): terminated instances and bare sharing grants`, idle, REF_COLS),
    );
    if (live.some((x) => x.stale))
      out.push(
        `  stale: created over ${set.stale_days} days ago, launched nothing since, no group with capacity uses it`,
      );
  }
  // Reasons are sentences: a line each reads better than a table cut at its width.
  if (r.unknown.length)
    out.push(
      '',
      `usage unknown (${r.unknown.length}): never read as "not in use"`,
      ...r.unknown.map((u) => `  ${u.account_id}${u.region ? ` ${u.region}` : ''}: ${u.reason}`),
    );
  return out;
}

export function usageText(set: UsageReportSet): string {
  const run = set.collected_at
    ? `collected at ${set.collected_at} (last run ${set.run_status})`
    : 'nothing collected yet';
  return [`${run}; ages as of ${set.as_of}`, ...set.images.flatMap((r) => ['', ...imageText(r, set)])].join(
    '\n',
  );
}

/** One flat table: a row per reference (or per affected reference with --what-breaks), then unknown places. */
export function usageCsv(set: UsageReportSet): string {
  const breaks = set.images.some((r) => r.what_breaks);
  const header = breaks
    ? ['image_id', ...BREAK_COLS]
    : ['image_id', 'section', ...REF_COLS, 'last_launch', 'reason'];
  const rows: string[][] = [];
  for (const r of set.images) {
    const id = r.image.image_id;
    if (r.what_breaks) rows.push(...cells(r.what_breaks, BREAK_COLS).map((c) => [id, ...c]));
    else
      for (const x of r.references)
        rows.push([
          id,
          x.in_use ? 'in-use' : 'not-usage',
          ...cells([x], [...REF_COLS, 'last_launch'])[0]!,
          '',
        ]);
    for (const u of r.unknown)
      rows.push(
        breaks
          ? [id, u.account_id, u.region ?? '', '', '', '', 'unknown', '', u.reason]
          : [id, 'unknown', '', '', u.account_id, u.region ?? '', '', '', '', '', '', '', '', u.reason],
      );
  }
  return csvText(header, rows);
}
