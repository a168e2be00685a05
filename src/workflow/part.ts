import type { StepSpec } from './config.ts';
import type { Violation } from './model.ts';
import type { NoticeItem } from './notice.ts';

/** One pending piece of a step: a violation's notice item for the step being run. */
export interface Part {
  v: Violation;
  step: StepSpec | { id: string; do: 'resolved' };
  item: NoticeItem;
}

export function partKey(p: Part): { violationId: string; cycle: number; stepId: string } {
  return { violationId: p.v.id, cycle: p.v.cycle, stepId: p.step.id };
}
