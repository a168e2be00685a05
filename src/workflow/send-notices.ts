import { createHash } from 'node:crypto';
import type { Clock } from './clock.ts';
import type { Dispatcher, RetryPolicy } from './delivery.ts';
import { backoffMs, withRetry } from './delivery.ts';
import type { Notice, NoticeKind } from './notice.ts';
import { partKey } from './part.ts';
import type { Part } from './part.ts';
import { targetKey } from './routing.ts';
import type { Target } from './routing.ts';
import { recordDelivery, recordTarget, stepTargets } from './store/steps.ts';
import type { WorkflowDb } from './store/tables.ts';

/** Everything one recipient gets in one tick: one notice, whatever the number of violations. */
export interface Bucket {
  kind: NoticeKind;
  target: Target;
  parts: Part[];
}

/**
 * Sends each bucket as one notice (with retries) and records, per violation step, whether this
 * recipient now has it; a failure schedules the next try after a backoff.
 */
export async function sendNotices(
  db: WorkflowDb,
  dispatcher: Dispatcher,
  policy: RetryPolicy,
  clock: Clock,
  buckets: readonly Bucket[],
  log: (line: string) => void,
): Promise<{ sent: number; failed: number }> {
  const out = { sent: 0, failed: 0 };
  for (const b of buckets) {
    const items = b.parts.map((p) => `${p.v.id}:${p.v.cycle}:${p.step.id}`).sort();
    const key = `${b.kind}:${targetKey(b.target)}:${createHash('sha256').update(items.join(',')).digest('hex').slice(0, 20)}`;
    const owners = new Set(b.parts.map((p) => p.v.owner));
    const notice: Notice = {
      kind: b.kind,
      audience: owners.size === 1 && b.kind !== 'escalate' ? ([...owners][0] ?? null) : null,
      items: b.parts.map((p) => p.item),
      idempotencyKey: key,
    };
    const r = await withRetry(policy, clock, () => dispatcher.send(b.target, notice));
    const error = r.ok ? null : dispatcher.scrub(r.error);
    await recordDelivery(db, {
      key,
      kind: b.kind,
      target: targetKey(b.target),
      items: b.parts.length,
      ok: r.ok,
      attempts: r.attempts,
      at: clock.now().toISOString(),
      error,
    });
    if (r.ok) out.sent++;
    else {
      out.failed++;
      log(`delivery ${key} failed after ${r.attempts} attempts: ${error}`);
    }
    for (const p of b.parts) {
      const prev = (await stepTargets(db, partKey(p))).find((t) => t.target === targetKey(b.target));
      const tries = Number(prev?.attempts ?? 0) + r.attempts;
      await recordTarget(db, partKey(p), targetKey(b.target), {
        attempts: r.attempts,
        deliveredAt: r.ok ? clock.now().toISOString() : null,
        deliveryKey: key,
        nextAttemptAt: r.ok ? null : new Date(clock.now().getTime() + backoffMs(policy, tries)).toISOString(),
        error,
      });
    }
  }
  return out;
}
