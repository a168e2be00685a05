import { createHash } from 'node:crypto';
import { AmwError } from '../../errors.ts';
import type { Finding, Transition, Violation, ViolationState, Waiver } from '../model.ts';
import { TERMINAL_STATES } from '../model.ts';
import { assertTransition } from '../state-machine.ts';
import type { ViolationsTable, WorkflowDb } from './tables.ts';

/** One violation per (policy, resource): the id is derived from both, so re-ingesting finds it. */
export function violationId(policy: string, accountId: string, region: string, resourceId: string): string {
  const h = createHash('sha256').update([policy, accountId, region, resourceId].join('\0')).digest('hex');
  return `v-${h.slice(0, 16)}`;
}

export function fromRow(r: ViolationsTable): Violation {
  return {
    id: r.id,
    policy: r.policy,
    group: r.group_name,
    accountId: r.account_id,
    region: r.region,
    resourceId: r.resource_id,
    owner: r.owner,
    why: r.why,
    action: r.action,
    state: r.state as ViolationState,
    stateBeforeWaiver: r.state_before_waiver as ViolationState | null,
    cycle: Number(r.cycle),
    openedAt: r.opened_at,
    updatedAt: r.updated_at,
    lastSeenAt: r.last_seen_at,
    closedAt: r.closed_at,
    details: JSON.parse(r.details) as Record<string, unknown>,
  };
}

export async function getViolation(db: WorkflowDb, id: string): Promise<Violation | undefined> {
  const r = await db.selectFrom('violations').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? fromRow(r) : undefined;
}

export async function requireViolation(db: WorkflowDb, id: string): Promise<Violation> {
  const v = await getViolation(db, id);
  if (!v) throw new AmwError('AMW_NOT_FOUND', `no violation ${id}`);
  return v;
}

export interface ViolationFilter {
  states?: readonly ViolationState[];
  policy?: string;
  resourceId?: string;
  live?: boolean;
}

export async function listViolations(db: WorkflowDb, f: ViolationFilter = {}): Promise<Violation[]> {
  let q = db.selectFrom('violations').selectAll();
  if (f.states && f.states.length > 0) q = q.where('state', 'in', [...f.states]);
  if (f.live) q = q.where('state', 'not in', [...TERMINAL_STATES]);
  if (f.policy) q = q.where('policy', '=', f.policy);
  if (f.resourceId) q = q.where('resource_id', '=', f.resourceId);
  const rows = await q.orderBy('opened_at').orderBy('id').execute();
  return rows.map(fromRow);
}

/** Moves a violation and keeps the move; the caller has decided the move is wanted. */
export async function transition(
  db: WorkflowDb,
  v: Violation,
  to: ViolationState,
  at: string,
  reason: string,
  actor = 'amiwarden',
  extra: Partial<Pick<ViolationsTable, 'state_before_waiver' | 'cycle' | 'opened_at' | 'closed_at'>> = {},
): Promise<Violation> {
  assertTransition(v.id, v.state, to);
  await db.transaction().execute(async (trx) => {
    const last = await trx
      .selectFrom('violation_transitions')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('violation_id', '=', v.id)
      .executeTakeFirst();
    const seq = Number(last?.seq ?? 0) + 1;
    await trx
      .insertInto('violation_transitions')
      .values({ violation_id: v.id, seq, from_state: v.state, to_state: to, at, reason, actor })
      .execute();
    const closed = to === 'resolved' || to === 'remediated' ? at : to === 'open' ? null : v.closedAt;
    await trx
      .updateTable('violations')
      .set({ state: to, updated_at: at, closed_at: closed, ...extra })
      .where('id', '=', v.id)
      .execute();
  });
  return (await getViolation(db, v.id)) as Violation;
}

/** Opens a violation for a new finding, or refreshes one we already have. Returns it and whether it is new. */
export async function upsertFinding(
  db: WorkflowDb,
  f: Finding,
  at: string,
): Promise<{ violation: Violation; opened: boolean }> {
  const id = violationId(f.policy, f.accountId, f.region, f.resourceId);
  const existing = await getViolation(db, id);
  const details = JSON.stringify(f.details ?? {});
  if (!existing) {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('violations')
        .values({
          id,
          policy: f.policy,
          group_name: f.group,
          account_id: f.accountId,
          region: f.region,
          resource_id: f.resourceId,
          owner: f.owner,
          why: f.why,
          action: f.action,
          state: 'open',
          state_before_waiver: null,
          cycle: 1,
          opened_at: at,
          updated_at: at,
          last_seen_at: at,
          closed_at: null,
          details,
        })
        .execute();
      await trx
        .insertInto('violation_transitions')
        .values({
          violation_id: id,
          seq: 1,
          from_state: null,
          to_state: 'open',
          at,
          reason: f.why,
          actor: 'amiwarden',
        })
        .execute();
    });
    return { violation: (await getViolation(db, id)) as Violation, opened: true };
  }
  await db
    .updateTable('violations')
    .set({ owner: f.owner, why: f.why, action: f.action, group_name: f.group, last_seen_at: at, details })
    .where('id', '=', id)
    .execute();
  let v = (await getViolation(db, id)) as Violation;
  if (v.state === 'resolved') {
    // It matches again: a new cycle, so every step runs again and a new ticket opens.
    v = await transition(db, v, 'open', at, `matches again: ${f.why}`, 'amiwarden', {
      cycle: v.cycle + 1,
      opened_at: at,
    });
    return { violation: v, opened: true };
  }
  return { violation: v, opened: false };
}

export async function transitionsOf(db: WorkflowDb, id: string): Promise<Transition[]> {
  const rows = await db
    .selectFrom('violation_transitions')
    .selectAll()
    .where('violation_id', '=', id)
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    violationId: r.violation_id,
    seq: Number(r.seq),
    from: r.from_state as ViolationState | null,
    to: r.to_state as ViolationState,
    at: r.at,
    reason: r.reason,
    actor: r.actor,
  }));
}

/** Records a waiver and moves the violation to `waived`, remembering where it was. */
export async function addWaiver(
  db: WorkflowDb,
  v: Violation,
  w: Omit<Waiver, 'violationId'>,
): Promise<Violation> {
  if (TERMINAL_STATES.includes(v.state))
    throw new AmwError('AMW_USAGE', `violation ${v.id} is ${v.state}; there is nothing to waive`);
  await db
    .updateTable('violation_waivers')
    .set({ ended_at: w.createdAt })
    .where('violation_id', '=', v.id)
    .where('ended_at', 'is', null)
    .execute();
  await db
    .insertInto('violation_waivers')
    .values({
      violation_id: v.id,
      created_at: w.createdAt,
      reason: w.reason,
      who: w.who,
      expires_at: w.expiresAt,
      ended_at: null,
    })
    .execute();
  if (v.state === 'waived') return v;
  const until = w.expiresAt ? ` until ${w.expiresAt}` : '';
  return transition(db, v, 'waived', w.createdAt, `waived by ${w.who}${until}: ${w.reason}`, w.who, {
    state_before_waiver: v.state,
  });
}

export async function activeWaiver(db: WorkflowDb, id: string): Promise<Waiver | undefined> {
  const r = await db
    .selectFrom('violation_waivers')
    .selectAll()
    .where('violation_id', '=', id)
    .where('ended_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return r
    ? {
        violationId: r.violation_id,
        reason: r.reason,
        who: r.who,
        createdAt: r.created_at,
        expiresAt: r.expires_at,
      }
    : undefined;
}

/** Ends the waiver (expired or revoked) and puts the violation back where the waiver found it. */
export async function endWaiver(
  db: WorkflowDb,
  v: Violation,
  at: string,
  reason: string,
  actor = 'amiwarden',
): Promise<Violation> {
  await db
    .updateTable('violation_waivers')
    .set({ ended_at: at })
    .where('violation_id', '=', v.id)
    .where('ended_at', 'is', null)
    .execute();
  if (v.state !== 'waived') return v;
  return transition(db, v, v.stateBeforeWaiver ?? 'open', at, reason, actor, { state_before_waiver: null });
}
