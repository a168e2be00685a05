import type { WorkflowConfig } from './config.ts';
import { workflowFor } from './config.ts';
import type { Observation } from './model.ts';
import { setStep } from './store/steps.ts';
import type { WorkflowDb } from './store/tables.ts';
import { activeWaiver, endWaiver, listViolations, transition, upsertFinding } from './store/violations.ts';

export const RESOLVED_STEP = '@resolved';

export interface IngestResult {
  opened: string[];
  resolved: string[];
  unwaived: string[];
}

/**
 * Applies what the latest policy evaluations saw: new matches open violations, known ones
 * are refreshed, and live violations of an evaluated (policy, group) that were not matched
 * again resolve, because the image was fixed or is gone.
 */
export async function ingest(
  db: WorkflowDb,
  cfg: WorkflowConfig,
  observations: readonly Observation[],
  now: Date,
): Promise<IngestResult> {
  const out: IngestResult = { opened: [], resolved: [], unwaived: [] };
  for (const obs of observations) {
    const seen = new Set<string>();
    for (const f of obs.findings) {
      const { violation, opened } = await upsertFinding(db, f, obs.at);
      seen.add(violation.id);
      if (opened) out.opened.push(violation.id);
    }
    if (obs.partial) continue;
    const live = await listViolations(db, { policy: obs.policy, live: true });
    for (const v of live) {
      if (v.group !== obs.group || seen.has(v.id)) continue;
      const wasNotified = v.state !== 'open' && !(v.state === 'waived' && v.stateBeforeWaiver === 'open');
      const cur = await endWaiver(db, v, obs.at, 'waiver ended: the violation resolved');
      await transition(db, cur, 'resolved', obs.at, `no longer matches ${obs.policy} (fixed or removed)`);
      out.resolved.push(v.id);
      if (wasNotified && workflowFor(cfg, v.policy, v.group)?.notify_on_resolve)
        await setStep(db, { violationId: v.id, cycle: v.cycle, stepId: RESOLVED_STEP }, 'pending', obs.at);
    }
  }
  // Waivers that ran out put their violation back where it was, and the steps carry on.
  for (const v of await listViolations(db, { states: ['waived'] })) {
    const w = await activeWaiver(db, v.id);
    if (w?.expiresAt && new Date(w.expiresAt).getTime() <= now.getTime()) {
      await endWaiver(db, v, now.toISOString(), `waiver by ${w.who} expired (${w.expiresAt})`);
      out.unwaived.push(v.id);
    }
  }
  return out;
}
