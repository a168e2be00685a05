import { AmwError } from '../../errors.ts';
import { CLI_SQL_TIMEOUT_SECONDS, jsonCell, runReadOnlySql } from '../../store/read-only-sql/index.ts';
import type { SqlCell } from '../../store/read-only-sql/index.ts';
import { csvText, textTable } from '../../text-table.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

/** What the formatters need; the row cap's `truncated` never applies here (no cap). */
export interface QueryResult {
  readonly columns: string[];
  readonly rows: SqlCell[][];
}

const timeoutFlag = defineFlag({
  name: 'timeout',
  description: 'stop the statement after this many seconds (0 = no limit)',
  kind: 'number',
  placeholder: 'seconds',
  defaultValue: CLI_SQL_TIMEOUT_SECONDS,
});

/**
 * A cell as text for the table and CSV: integers with every digit (bigints included), blobs as
 * the `\x` hex both engines give, NULL as an empty cell.
 */
const text = (v: SqlCell): string => (v === null ? '' : String(v));

// Fractions are rounded for the eye only; CSV keeps every digit for the spreadsheet.
const tableCell = (v: SqlCell): string =>
  typeof v === 'number' && !Number.isInteger(v) ? String(Math.round(v * 100) / 100) : text(v);

export function formatTable(r: QueryResult): string {
  const lines = textTable(
    r.columns,
    r.rows.map((row) => row.map(tableCell)),
    { maxWidth: 60 },
  );
  lines.push(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`);
  return lines.join('\n');
}

export function formatCsv(r: QueryResult): string {
  return csvText(
    r.columns,
    r.rows.map((row) => row.map(text)),
  );
}

export function formatJson(r: QueryResult): string {
  const objs = r.rows.map((row) =>
    Object.fromEntries(r.columns.map((c, i) => [c, jsonCell(row[i] ?? null)])),
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
