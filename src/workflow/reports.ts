import type { Violation } from './model.ts';
import type { WorkflowDb } from './store/tables.ts';
import { fromRow } from './store/violations.ts';

export interface UnroutableRow {
  violation: Violation;
  stepId: string;
  since: string;
  detail: string | null;
}

/** Violations whose notice reached nobody: they stay listed here until routed or closed, never dropped. */
export async function unroutable(db: WorkflowDb): Promise<UnroutableRow[]> {
  const rows = await db
    .selectFrom('workflow_steps as s')
    .innerJoin('violations as v', (j) =>
      j.onRef('v.id', '=', 's.violation_id').onRef('v.cycle', '=', 's.cycle'),
    )
    .selectAll('v')
    .select(['s.step_id', 's.updated_at as since', 's.detail'])
    .where('s.status', '=', 'unroutable')
    .where('v.state', 'not in', ['resolved', 'remediated'])
    .orderBy('s.updated_at')
    .execute();
  return rows.map((r) => ({ violation: fromRow(r), stepId: r.step_id, since: r.since, detail: r.detail }));
}

/** Per-step progress of one violation's current cycle, for `amiwarden violations --show`. */
export async function stepsOf(db: WorkflowDb, v: Violation) {
  return db
    .selectFrom('workflow_steps')
    .select(['step_id', 'status', 'outcome', 'detail', 'updated_at'])
    .where('violation_id', '=', v.id)
    .where('cycle', '=', v.cycle)
    .orderBy('updated_at')
    .execute();
}
