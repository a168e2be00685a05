import { messageOf } from '../errors.ts';
import type { Part } from './part.ts';
import { partKey } from './part.ts';
import type { Violation } from './model.ts';
import { setStep } from './store/steps.ts';
import type { WorkflowDb } from './store/tables.ts';
import { transition } from './store/violations.ts';

export type GroupMode = 'report' | 'notify' | 'enforce';

/**
 * Carries out a violation's policy action. The policy engine implements it, so its
 * guardrails (in-use checks, max-resources, dry run) decide; `skipped` carries their reason.
 */
export type Remediator = (
  v: Violation,
) => Promise<{ outcome: 'done' | 'skipped' | 'failed'; reason: string }>;

/**
 * Runs the remediate step. A group not in enforce mode, a missing action or a guardrail
 * finishes the step without remediating (the reason is kept); a failure leaves the step to
 * be tried again on the next tick.
 */
export async function runRemediation(
  db: WorkflowDb,
  p: Part,
  mode: GroupMode,
  remediate: Remediator | undefined,
  at: string,
): Promise<'remediated' | 'capped' | 'skipped' | 'failed' | 'waiting'> {
  const key = partKey(p);
  if (mode !== 'enforce') {
    await setStep(db, key, 'done', at, 'capped', `group ${p.v.group} is in ${mode} mode`);
    return 'capped';
  }
  if (!p.v.action) {
    await setStep(db, key, 'done', at, 'capped', 'the policy has no action');
    return 'capped';
  }
  // A tick run without the policies cannot act for them: the step waits for one that can.
  if (!remediate) return 'waiting';
  let r: Awaited<ReturnType<Remediator>>;
  try {
    r = await remediate(p.v);
  } catch (err) {
    r = { outcome: 'failed', reason: messageOf(err) };
  }
  if (r.outcome === 'failed') {
    await setStep(db, key, 'failed', at, 'failed', r.reason);
    return 'failed';
  }
  await setStep(db, key, 'done', at, r.outcome, r.reason);
  if (r.outcome === 'skipped') return 'skipped';
  await transition(db, p.v, 'remediated', at, `${p.v.action}: ${r.reason}`);
  return 'remediated';
}
