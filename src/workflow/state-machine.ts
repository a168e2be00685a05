import { AmwError } from '../errors.ts';
import type { ViolationState } from './model.ts';

/**
 * The allowed moves. `waived` can interrupt any live state and returns to the state it
 * interrupted when the waiver ends; `resolved` can be reached from anywhere live (the image
 * was fixed or is gone) and is left only by matching again (`open`, a new cycle).
 * `remediated` is final: the fix was ours, and the ticket is closed with it.
 */
const ALLOWED: Record<ViolationState, readonly ViolationState[]> = {
  open: ['notified', 'escalated', 'remediated', 'resolved', 'waived'],
  notified: ['escalated', 'remediated', 'resolved', 'waived'],
  escalated: ['remediated', 'resolved', 'waived'],
  waived: ['open', 'notified', 'escalated', 'resolved'],
  remediated: [],
  resolved: ['open'],
};

export function canTransition(from: ViolationState, to: ViolationState): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(id: string, from: ViolationState, to: ViolationState): void {
  if (!canTransition(from, to))
    throw new AmwError('AMW_INTERNAL', `violation ${id}: cannot move from ${from} to ${to}`);
}

const RANK: Partial<Record<ViolationState, number>> = { open: 0, notified: 1, escalated: 2 };

/** The state a finished step moves a violation to; never backwards (a late notify after escalation stays escalated). */
export function advance(current: ViolationState, target: 'notified' | 'escalated'): ViolationState {
  const cur = RANK[current];
  if (cur === undefined) return current;
  return (RANK[target] as number) > cur ? target : current;
}
