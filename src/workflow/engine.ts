import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { WorkflowConfig } from './config.ts';
import { DEFAULT_DASHBOARD_URL, workflowFor } from './config.ts';
import { Dispatcher, retryPolicy } from './delivery.ts';
import { ingest, RESOLVED_STEP } from './ingest.ts';
import type { Observation } from './model.ts';
import { noticeItem } from './notice.ts';
import type { NoticeKind } from './notice.ts';
import { sendNotices } from './send-notices.ts';
import type { Bucket } from './send-notices.ts';
import { partKey } from './part.ts';
import type { Part } from './part.ts';
import { runRemediation } from './remediate.ts';
import type { GroupMode, Remediator } from './remediate.ts';
import { routeOwner, targetKey, targetsOf } from './routing.ts';
import type { Target } from './routing.ts';
import { deadlineAfter, nextDueStep } from './scheduler.ts';
import { closeTickets, runTicketSteps } from './tickets.ts';
import { acquireLock, releaseLock } from './store/lock.ts';
import { setStep, stepStatuses, stepTargets } from './store/steps.ts';
import type { WorkflowDb } from './store/tables.ts';
import { listViolations, transition } from './store/violations.ts';
import { advance } from './state-machine.ts';

export interface TickOptions {
  db: WorkflowDb;
  cfg: WorkflowConfig;
  clock: Clock;
  /** What the policy engine saw since the last tick. */
  observations?: readonly Observation[];
  remediate?: Remediator;
  /** The mode of an account group; caps which steps run there (default: notify). */
  modeOf?: (group: string) => GroupMode;
  /** Send notices, but leave remediation steps pending: nothing changes in AWS. */
  dryrun?: boolean;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface TickResult {
  tickId: string;
  /** Set when another tick holds the lock; nothing was done. */
  skipped?: string;
  opened: number;
  resolved: number;
  remediated: number;
  sent: number;
  failed: number;
  unroutable: string[];
}

/**
 * Advances every violation by at most one step, sends what is due (one message per
 * recipient per tick), and closes tickets of closed violations. Safe to run again at once:
 * a step is marked done only after every recipient has it, and only undelivered parts are sent.
 */
export async function tick(o: TickOptions): Promise<TickResult> {
  const now = o.clock.now();
  const at = now.toISOString();
  const log = o.log ?? (() => undefined);
  const tickId = randomUUID();
  const res: TickResult = {
    tickId,
    opened: 0,
    resolved: 0,
    remediated: 0,
    sent: 0,
    failed: 0,
    unroutable: [],
  };
  if (!(await acquireLock(o.db, tickId, now, 15 * 60_000)))
    return { ...res, skipped: 'another tick holds the lock' };
  try {
    await o.db
      .insertInto('workflow_ticks')
      .values({
        tick_id: tickId,
        now: at,
        started_at: at,
        finished_at: null,
        opened: 0,
        resolved: 0,
        sent: 0,
        failed: 0,
        remediated: 0,
      })
      .execute();
    const ing = await ingest(o.db, o.cfg, o.observations ?? [], now);
    res.opened = ing.opened.length;
    res.resolved = ing.resolved.length;
    const dispatcher = new Dispatcher(o.cfg, o.clock, o.env);
    const base = o.cfg.dashboard_url ?? DEFAULT_DASHBOARD_URL;
    const modeOf = o.modeOf ?? (() => 'notify' as const);
    const buckets = new Map<string, Bucket>();
    const ticketParts: Part[] = [];
    const remediations: Part[] = [];
    const touched: Part[] = [];
    const want = (
      p: Part,
      kind: NoticeKind,
      targets: Target[],
      delivered: Set<string>,
      blocked: Set<string>,
    ) => {
      for (const t of targets) {
        const k = targetKey(t);
        if (delivered.has(k) || blocked.has(k)) continue;
        const b = buckets.get(`${kind}|${k}`) ?? { kind, target: t, parts: [] };
        b.parts.push(p);
        buckets.set(`${kind}|${k}`, b);
      }
    };

    for (const v of await listViolations(o.db, {})) {
      const wf = workflowFor(o.cfg, v.policy, v.group);
      if (!wf) continue;
      const statuses = await stepStatuses(o.db, v.id, v.cycle);
      if (statuses.get(RESOLVED_STEP) === 'pending') {
        const p: Part = {
          v,
          step: { id: RESOLVED_STEP, do: 'resolved' },
          item: noticeItem(v, base, null, null),
        };
        const route = routeOwner(o.cfg, v.owner);
        const { delivered, blocked } = await targetState(o.db, p, now);
        want(p, 'resolved', route.targets, delivered, blocked);
        touched.push(p);
      }
      const mode = modeOf(v.group);
      if (mode === 'report') continue;
      const step = nextDueStep(v, wf, now, statuses);
      if (!step) continue;
      const { deadline, next } = deadlineAfter(v, wf, step);
      const p: Part = { v, step, item: noticeItem(v, base, deadline, next) };
      if (step.do === 'remediate') {
        remediations.push(p);
        continue;
      }
      const targets = step.to ? targetsOf(step.to) : routeOwner(o.cfg, v.owner).targets;
      if (targets.length === 0 && !step.ticket) {
        await setStep(
          o.db,
          { violationId: v.id, cycle: v.cycle, stepId: step.id },
          'unroutable',
          at,
          'unroutable',
          `owner ${v.owner ?? '(none)'} has no route and there is no fallback`,
        );
        res.unroutable.push(v.id);
        log(`violation ${v.id}: ${step.id} reaches nobody (owner ${v.owner ?? 'none'})`);
        continue;
      }
      const { delivered, blocked } = await targetState(o.db, p, now);
      want(p, step.do === 'notify' ? 'notify' : 'escalate', targets, delivered, blocked);
      if (step.ticket) ticketParts.push(p);
      touched.push(p);
    }

    const policy = retryPolicy(o.cfg);
    const sent = await sendNotices(o.db, dispatcher, policy, o.clock, [...buckets.values()], log);
    res.sent += sent.sent;
    res.failed += sent.failed;
    const ticketFailures = await runTicketSteps(o.db, dispatcher, policy, o.clock, ticketParts, log);
    res.failed += ticketFailures;

    // A step is done only when every one of its recipients (and its ticket) has it.
    for (const p of touched) {
      const rows = await stepTargets(o.db, partKey(p));
      const targets =
        p.step.do === 'resolved'
          ? routeOwner(o.cfg, p.v.owner).targets
          : 'to' in p.step && p.step.to
            ? targetsOf(p.step.to)
            : routeOwner(o.cfg, p.v.owner).targets;
      const needed = targets.map(targetKey);
      if ('ticket' in p.step && p.step.ticket) needed.push('jira');
      const ok = needed.every((k) => rows.some((r) => r.target === k && r.delivered_at !== null));
      if (!ok) continue;
      await setStep(o.db, partKey(p), 'done', o.clock.now().toISOString(), 'delivered', needed.join(','));
      if (p.step.do === 'notify' || p.step.do === 'escalate') {
        const to = advance(p.v.state, p.step.do === 'notify' ? 'notified' : 'escalated');
        if (to !== p.v.state)
          await transition(
            o.db,
            p.v,
            to,
            o.clock.now().toISOString(),
            `${p.step.id}: sent to ${needed.join(', ')}`,
          );
      }
    }

    for (const p of remediations) {
      if (o.dryrun) {
        log(`dryrun: would remediate ${p.v.resourceId} (${p.v.action ?? 'no action'}) for ${p.v.policy}`);
        continue;
      }
      const r = await runRemediation(o.db, p, modeOf(p.v.group), o.remediate, o.clock.now().toISOString());
      if (r === 'remediated') res.remediated++;
      if (r === 'failed') res.failed++;
      if (r === 'waiting')
        log(`${p.v.resourceId}: remediation for ${p.v.policy} waits for a tick run with its policies (-p)`);
    }
    res.failed += await closeTickets(o.db, dispatcher, policy, o.clock, base, log);
    await o.db
      .updateTable('workflow_ticks')
      .set({
        finished_at: o.clock.now().toISOString(),
        opened: res.opened,
        resolved: res.resolved,
        sent: res.sent,
        failed: res.failed,
        remediated: res.remediated,
      })
      .where('tick_id', '=', tickId)
      .execute();
    return res;
  } finally {
    await releaseLock(o.db, tickId);
  }
}

/** Which targets already have this part, and which are waiting out a backoff from an earlier tick. */
async function targetState(
  db: WorkflowDb,
  p: Part,
  now: Date,
): Promise<{ delivered: Set<string>; blocked: Set<string> }> {
  const rows = await stepTargets(db, partKey(p));
  return {
    delivered: new Set(rows.filter((r) => r.delivered_at !== null).map((r) => r.target)),
    blocked: new Set(
      rows
        .filter(
          (r) =>
            r.delivered_at === null &&
            r.next_attempt_at !== null &&
            new Date(r.next_attempt_at).getTime() > now.getTime(),
        )
        .map((r) => r.target),
    ),
  };
}
