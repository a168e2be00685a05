import type { Clock } from './clock.ts';
import type { Dispatcher, RetryPolicy } from './delivery.ts';
import { withRetry } from './delivery.ts';
import type { Part } from './part.ts';
import { partKey } from './part.ts';
import { noticeItem } from './notice.ts';
import { jiraComment, jiraDescription, jiraSummary } from './templates/jira.ts';
import { markTicketClosed, recordTarget, saveTicket, ticketOf, ticketsToClose } from './store/steps.ts';
import type { WorkflowDb } from './store/tables.ts';
import { getViolation } from './store/violations.ts';

/** The label that makes ticket creation idempotent: one issue per violation and cycle. */
export function ticketLabel(violationId: string, cycle: number): string {
  return `amiwarden-${violationId}-c${cycle}`;
}

/** Opens (or finds) the Jira issue of each escalated violation and comments on it. Returns the failure count. */
export async function runTicketSteps(
  db: WorkflowDb,
  dispatcher: Dispatcher,
  policy: RetryPolicy,
  clock: Clock,
  parts: readonly Part[],
  log: (line: string) => void,
): Promise<number> {
  let failed = 0;
  for (const p of parts) {
    const key = partKey(p);
    const done = (
      await db
        .selectFrom('workflow_step_targets')
        .select('delivered_at')
        .where('violation_id', '=', key.violationId)
        .where('cycle', '=', key.cycle)
        .where('step_id', '=', key.stepId)
        .where('target', '=', 'jira')
        .executeTakeFirst()
    )?.delivered_at;
    if (done) continue;
    if (!dispatcher.hasJira()) continue;
    const label = ticketLabel(p.v.id, p.v.cycle);
    const idem = `${p.v.id}:${p.v.cycle}:${p.step.id}:jira`;
    let issueKey = (await ticketOf(db, p.v.id, p.v.cycle))?.issue_key ?? null;
    const r = await withRetry(policy, clock, async () => {
      const jira = dispatcher.jira();
      issueKey ??= await jira.ensureIssue(label, jiraSummary(p.item), jiraDescription(p.item));
      await saveTicket(db, {
        violationId: p.v.id,
        cycle: p.v.cycle,
        issueKey,
        label,
        at: clock.now().toISOString(),
      });
      await jira.comment(issueKey, jiraComment('escalate', p.item), idem);
    });
    const error = r.ok ? null : dispatcher.scrub(r.error);
    if (!r.ok) {
      failed++;
      log(`jira for ${p.v.id} failed after ${r.attempts} attempts: ${error}`);
    }
    await recordTarget(db, key, 'jira', {
      attempts: r.attempts,
      deliveredAt: r.ok ? clock.now().toISOString() : null,
      deliveryKey: issueKey,
      nextAttemptAt: null,
      error,
    });
  }
  return failed;
}

/** Comments on and closes the tickets of violations that were resolved or remediated. */
export async function closeTickets(
  db: WorkflowDb,
  dispatcher: Dispatcher,
  policy: RetryPolicy,
  clock: Clock,
  base: string,
  log: (line: string) => void,
): Promise<number> {
  const open = await ticketsToClose(db);
  if (open.length === 0) return 0;
  if (!dispatcher.hasJira()) return 0;
  let failed = 0;
  for (const t of open) {
    const v = await getViolation(db, t.violation_id);
    if (!v) continue;
    const kind = v.state === 'remediated' ? 'remediated' : 'resolved';
    const item = noticeItem(v, base, null, null);
    const r = await withRetry(policy, clock, async () => {
      const jira = dispatcher.jira();
      await jira.comment(t.issue_key, jiraComment(kind, item), `${v.id}:${t.cycle}:${kind}:jira`);
      await jira.close(t.issue_key);
    });
    if (r.ok) await markTicketClosed(db, t.violation_id, Number(t.cycle), clock.now().toISOString());
    else {
      failed++;
      log(`closing ${t.issue_key} failed after ${r.attempts} attempts: ${dispatcher.scrub(r.error)}`);
    }
  }
  return failed;
}
