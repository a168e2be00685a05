// Plain-text renderings of rows for terminals and spreadsheets, shared by every command that
// prints a table, so alignment and CSV quoting are decided once.

/** Columns padded to their widest cell, two spaces apart, a dashed rule under the header. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
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
