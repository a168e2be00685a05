import { AmwError } from '../../errors.ts';
import { CLI_SQL_TIMEOUT_SECONDS, runReadOnlySql } from '../../store/read-only-sql/index.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

/** What the formatters need; the row cap's `truncated` never applies here (no cap). */
export interface QueryResult {
  readonly columns: string[];
  readonly rows: unknown[][];
}

const timeoutFlag = defineFlag({
  name: 'timeout',
  description: 'stop the statement after this many seconds (0 = no limit)',
  kind: 'number',
  placeholder: 'seconds',
  defaultValue: CLI_SQL_TIMEOUT_SECONDS,
});

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Math.round(v * 100) / 100);
  if (typeof v === 'bigint') return v.toString();
  return String(v);
}

export function formatTable(r: QueryResult): string {
  const cells = r.rows.map((row) => row.map(cell));
  const widths = r.columns.map((c, i) =>
    Math.min(60, Math.max(c.length, ...cells.map((row) => (row[i] ?? '').length))),
  );
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v.slice(0, 60).padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(r.columns), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
  out.push(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`);
  return out.join('\n');
}

function csvCell(v: unknown): string {
  const s = cell(typeof v === 'number' ? String(v) : v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(r: QueryResult): string {
  return [r.columns, ...r.rows].map((row) => row.map(csvCell).join(',')).join('\n');
}

export function formatJson(r: QueryResult): string {
  const objs = r.rows.map((row) =>
    Object.fromEntries(r.columns.map((c, i) => [c, typeof row[i] === 'bigint' ? String(row[i]) : row[i]])),
  );
  return JSON.stringify(objs, null, 2);
}

export const command: CommandModule = {
  name: 'query',
  register(program) {
    const cmd = program
      .command('query')
      .description('run read-only SQL against the asset store (see docs/schema.md)')
      .argument('<sql>', 'one SELECT statement');
    addFlags(cmd, commonFlags.db, commonFlags.format, timeoutFlag);
    cmd.action(
      async (text: string, opts: { db: string; format: 'table' | 'json' | 'csv'; timeout: number }) => {
        if (!(opts.timeout >= 0))
          throw new AmwError('AMW_USAGE', `--timeout expects seconds >= 0, got ${opts.timeout}`);
        // Every row: the CLI has no row cap, only a time limit against a statement that never ends.
        const result = await runReadOnlySql(opts.db, text, { timeoutMs: Math.round(opts.timeout * 1000) });
        const out =
          opts.format === 'json'
            ? formatJson(result)
            : opts.format === 'csv'
              ? formatCsv(result)
              : formatTable(result);
        console.log(out);
      },
    );
  },
};
