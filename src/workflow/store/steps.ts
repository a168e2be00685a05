import type { StepStatus } from '../scheduler.ts';
import type { WorkflowDb, WorkflowStepTargetsTable } from './tables.ts';

export async function stepStatuses(
  db: WorkflowDb,
  violationId: string,
  cycle: number,
): Promise<Map<string, StepStatus>> {
  const rows = await db
    .selectFrom('workflow_steps')
    .select(['step_id', 'status'])
    .where('violation_id', '=', violationId)
    .where('cycle', '=', cycle)
    .execute();
  return new Map(rows.map((r) => [r.step_id, r.status as StepStatus]));
}

export async function setStep(
  db: WorkflowDb,
  key: { violationId: string; cycle: number; stepId: string },
  status: StepStatus,
  at: string,
  outcome: string | null = null,
  detail: string | null = null,
): Promise<void> {
  const values = { status, outcome, detail, updated_at: at };
  const hit = await db
    .updateTable('workflow_steps')
    .set(values)
    .where('violation_id', '=', key.violationId)
    .where('cycle', '=', key.cycle)
    .where('step_id', '=', key.stepId)
    .executeTakeFirst();
  if (Number(hit.numUpdatedRows) === 0)
    await db
      .insertInto('workflow_steps')
      .values({ violation_id: key.violationId, cycle: key.cycle, step_id: key.stepId, ...values })
      .execute();
}

export async function stepTargets(
  db: WorkflowDb,
  key: { violationId: string; cycle: number; stepId: string },
): Promise<WorkflowStepTargetsTable[]> {
  return db
    .selectFrom('workflow_step_targets')
    .selectAll()
    .where('violation_id', '=', key.violationId)
    .where('cycle', '=', key.cycle)
    .where('step_id', '=', key.stepId)
    .execute();
}

/** Records one attempt's result for one target of one step. */
export async function recordTarget(
  db: WorkflowDb,
  key: { violationId: string; cycle: number; stepId: string },
  target: string,
  result: {
    attempts: number;
    deliveredAt: string | null;
    deliveryKey: string | null;
    nextAttemptAt: string | null;
    error: string | null;
  },
): Promise<void> {
  const existing = await db
    .selectFrom('workflow_step_targets')
    .select('attempts')
    .where('violation_id', '=', key.violationId)
    .where('cycle', '=', key.cycle)
    .where('step_id', '=', key.stepId)
    .where('target', '=', target)
    .executeTakeFirst();
  const values = {
    attempts: Number(existing?.attempts ?? 0) + result.attempts,
    delivered_at: result.deliveredAt,
    delivery_key: result.deliveryKey,
    next_attempt_at: result.nextAttemptAt,
    last_error: result.error,
  };
  if (existing)
    await db
      .updateTable('workflow_step_targets')
      .set(values)
      .where('violation_id', '=', key.violationId)
      .where('cycle', '=', key.cycle)
      .where('step_id', '=', key.stepId)
      .where('target', '=', target)
      .execute();
  else
    await db
      .insertInto('workflow_step_targets')
      .values({ violation_id: key.violationId, cycle: key.cycle, step_id: key.stepId, target, ...values })
      .execute();
}

export async function recordDelivery(
  db: WorkflowDb,
  d: {
    key: string;
    kind: string;
    target: string;
    items: number;
    ok: boolean;
    attempts: number;
    at: string;
    error: string | null;
  },
): Promise<void> {
  const prev = await db
    .selectFrom('workflow_deliveries')
    .select(['attempts', 'first_attempt_at'])
    .where('idempotency_key', '=', d.key)
    .executeTakeFirst();
  const row = {
    kind: d.kind,
    target: d.target,
    items: d.items,
    status: d.ok ? 'delivered' : 'failed',
    attempts: Number(prev?.attempts ?? 0) + d.attempts,
    last_attempt_at: d.at,
    delivered_at: d.ok ? d.at : null,
    last_error: d.error,
  };
  if (prev)
    await db.updateTable('workflow_deliveries').set(row).where('idempotency_key', '=', d.key).execute();
  else
    await db
      .insertInto('workflow_deliveries')
      .values({ idempotency_key: d.key, first_attempt_at: d.at, ...row })
      .execute();
}

export async function ticketOf(db: WorkflowDb, violationId: string, cycle: number) {
  return db
    .selectFrom('workflow_tickets')
    .selectAll()
    .where('violation_id', '=', violationId)
    .where('cycle', '=', cycle)
    .executeTakeFirst();
}

export async function saveTicket(
  db: WorkflowDb,
  t: { violationId: string; cycle: number; issueKey: string; label: string; at: string },
): Promise<void> {
  if (await ticketOf(db, t.violationId, t.cycle)) return;
  await db
    .insertInto('workflow_tickets')
    .values({
      violation_id: t.violationId,
      cycle: t.cycle,
      issue_key: t.issueKey,
      label: t.label,
      opened_at: t.at,
      closed_at: null,
    })
    .execute();
}

/** Tickets still open whose violation is closed: the tick closes them (and retries until it can). */
export async function ticketsToClose(db: WorkflowDb) {
  return db
    .selectFrom('workflow_tickets as t')
    .innerJoin('violations as v', 'v.id', 't.violation_id')
    .select(['t.violation_id', 't.cycle', 't.issue_key', 'v.state'])
    .where('t.closed_at', 'is', null)
    .where((eb) =>
      eb.or([eb('v.state', 'in', ['resolved', 'remediated']), eb('v.cycle', '>', eb.ref('t.cycle'))]),
    )
    .execute();
}

export async function markTicketClosed(
  db: WorkflowDb,
  violationId: string,
  cycle: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('workflow_tickets')
    .set({ closed_at: at })
    .where('violation_id', '=', violationId)
    .where('cycle', '=', cycle)
    .execute();
}
