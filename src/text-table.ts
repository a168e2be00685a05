// Plain-text renderings of rows for terminals and spreadsheets, shared by every command that
// prints a table, so alignment and CSV quoting are decided once.

export interface TextTableOptions {
  /** Longer cells are cut to this many characters, the last one `…`, so one long value keeps the rest on screen. */
  readonly maxWidth?: number;
}

// A line break or tab inside a cell would tear the table apart, so it is shown as its escape.
const ESCAPES: Readonly<Record<string, string>> = { '\r': '\\r', '\n': '\\n', '\t': '\\t' };

function fit(cell: string, maxWidth: number | undefined): string {
  const flat = cell.replace(/[\r\n\t]/g, (c) => ESCAPES[c] ?? c);
  return maxWidth !== undefined && flat.length > maxWidth ? `${flat.slice(0, maxWidth - 1)}…` : flat;
}

/** Columns padded to their widest cell, two spaces apart, a dashed rule under the header. */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TextTableOptions = {},
): string[] {
  const fitted = [header, ...rows].map((r) => r.map((c) => fit(c, options.maxWidth)));
  // A loop, not Math.max(...cells): a query may print more rows than a call takes arguments.
  const widths = header.map(() => 0);
  for (const r of fitted)
    for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, (r[i] ?? '').length);
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const [head, ...body] = fitted;
  return [line(head!), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)];
}

/** RFC 4180: a cell with a quote, comma or line break is quoted, its quotes doubled. */
export function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvText(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n');
}

/** Picks `cols` out of records as text: null and undefined print as empty cells. */
export function cellsOf(rows: readonly Record<string, unknown>[], cols: readonly string[]): string[][] {
  return rows.map((r) => cols.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))));
}
