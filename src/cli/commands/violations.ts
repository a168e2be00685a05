import { openStore } from '../../store/db.ts';
import { VIOLATION_STATES } from '../../workflow/model.ts';
import type { Violation, ViolationState } from '../../workflow/model.ts';
import { stepsOf, unroutable } from '../../workflow/reports.ts';
import { workflowStore } from '../../workflow/store/open.ts';
import {
  activeWaiver,
  listViolations,
  requireViolation,
  transitionsOf,
} from '../../workflow/store/violations.ts';
import { cellsOf, csvText, textTable } from '../../text-table.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

const flags = {
  state: defineFlag({
    name: 'state',
    description: 'only these states',
    kind: 'list',
    placeholder: 'state',
    choices: VIOLATION_STATES,
  }),
  policy: defineFlag({
    name: 'policy',
    description: 'only this policy',
    kind: 'string',
    placeholder: 'name',
  }),
  unroutable: defineFlag({
    name: 'unroutable',
    description: 'list violations whose notice reached nobody',
    kind: 'boolean',
  }),
  show: defineFlag({
    name: 'show',
    description: 'one violation with its transitions, steps and waiver',
    kind: 'string',
    placeholder: 'id',
  }),
} as const;

interface Opts {
  db: string;
  format: 'table' | 'json' | 'csv';
  state?: ViolationState[];
  policy?: string;
  unroutable?: boolean;
  show?: string;
}

const COLS = [
  'id',
  'state',
  'policy',
  'group',
  'accountId',
  'region',
  'resourceId',
  'owner',
  'openedAt',
] as const;

function table(rows: Record<string, unknown>[], cols: readonly string[]): string {
  return [
    ...textTable(cols, cellsOf(rows, cols)),
    `(${rows.length} row${rows.length === 1 ? '' : 's'})`,
  ].join('\n');
}

export const command: CommandModule = {
  name: 'violations',
  register(program) {
    const cmd = program
      .command('violations')
      .description('list violations, the unroutable report, or one violation in full');
    addFlags(cmd, commonFlags.db, commonFlags.format, ...Object.values(flags));
    cmd.action(async (opts: Opts) => {
      const store = await openStore(opts.db);
      try {
        const db = await workflowStore(store);
        if (opts.show) {
          const v = await requireViolation(db, opts.show);
          const full = {
            ...v,
            transitions: await transitionsOf(db, v.id),
            steps: await stepsOf(db, v),
            waiver: (await activeWaiver(db, v.id)) ?? null,
          };
          if (opts.format === 'json') console.log(JSON.stringify(full, null, 2));
          else {
            console.log(table([v as unknown as Record<string, unknown>], COLS));
            console.log(`why: ${v.why}`);
            console.log(
              table(full.transitions as unknown as Record<string, unknown>[], [
                'seq',
                'from',
                'to',
                'at',
                'actor',
                'reason',
              ]),
            );
            console.log(
              table(full.steps as unknown as Record<string, unknown>[], [
                'step_id',
                'status',
                'outcome',
                'updated_at',
                'detail',
              ]),
            );
            if (full.waiver)
              console.log(
                `waived by ${full.waiver.who} until ${full.waiver.expiresAt ?? 'revoked'}: ${full.waiver.reason}`,
              );
          }
          return;
        }
        let rows: Record<string, unknown>[];
        let cols: readonly string[] = COLS;
        if (opts.unroutable) {
          rows = (await unroutable(db)).map((u) => ({
            ...u.violation,
            step: u.stepId,
            since: u.since,
            detail: u.detail,
          }));
          cols = ['id', 'state', 'policy', 'resourceId', 'owner', 'step', 'since', 'detail'];
        } else {
          const list: Violation[] = await listViolations(db, { states: opts.state, policy: opts.policy });
          rows = list as unknown as Record<string, unknown>[];
        }
        if (opts.format === 'json') console.log(JSON.stringify(rows, null, 2));
        else if (opts.format === 'csv') console.log(csvText(cols, cellsOf(rows, cols)));
        else console.log(table(rows, cols));
      } finally {
        await store.close();
      }
    });
  },
};
