import { addDays } from './clock.ts';
import type { StepSpec, WorkflowSpec } from './config.ts';
import type { Violation } from './model.ts';
import { TERMINAL_STATES } from './model.ts';

/** pending: not yet finished; done: finished; unroutable: a notify that reached nobody (reported, never retried silently). */
export type StepStatus = 'pending' | 'done' | 'unroutable' | 'failed';

/** Steps in the order they fire: by day, then as written. */
export function orderedSteps(wf: WorkflowSpec): StepSpec[] {
  return wf.steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.day - b.s.day || a.i - b.i)
    .map((x) => x.s);
}

export function dueAt(v: Violation, step: StepSpec): Date {
  return addDays(v.openedAt, step.day);
}

/**
 * The one step a tick should run for a violation, if any. Steps fire in order and at most
 * one per tick: a step waits for the one before it, so a failed notification holds back the
 * escalation instead of skipping ahead of the owner. A waived or closed violation runs nothing.
 */
export function nextDueStep(
  v: Violation,
  wf: WorkflowSpec,
  now: Date,
  status: ReadonlyMap<string, StepStatus>,
): StepSpec | undefined {
  if (v.state === 'waived' || TERMINAL_STATES.includes(v.state)) return undefined;
  for (const step of orderedSteps(wf)) {
    const st = status.get(step.id);
    if (st === 'done' || st === 'unroutable') continue;
    return dueAt(v, step).getTime() <= now.getTime() ? step : undefined;
  }
  return undefined;
}

/** The deadline a notice shows: when the next step after `current` fires, and what it does. */
export function deadlineAfter(
  v: Violation,
  wf: WorkflowSpec,
  current: StepSpec | undefined,
): { deadline: string | null; next: string | null } {
  const steps = orderedSteps(wf);
  const from = current ? steps.indexOf(current) + 1 : 0;
  const later = steps.slice(from).find((s) => !current || s.day > current.day) ?? steps[from];
  if (!later) return { deadline: null, next: null };
  const next = later.do === 'remediate' ? `remediate${v.action ? `: ${v.action}` : ''}` : later.do;
  return { deadline: dueAt(v, later).toISOString(), next };
}
