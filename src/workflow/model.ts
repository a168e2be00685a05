/**
 * The violation model. A violation is one (policy, resource) pair that a policy matched; it
 * lives through `open -> notified -> escalated -> remediated | resolved | waived`, and every
 * move is kept as a transition with its time.
 */
export const VIOLATION_STATES = [
  'open',
  'notified',
  'escalated',
  'remediated',
  'resolved',
  'waived',
] as const;
export type ViolationState = (typeof VIOLATION_STATES)[number];

/** States in which nothing more happens unless the resource matches again. */
export const TERMINAL_STATES: readonly ViolationState[] = ['remediated', 'resolved'];

/** What a policy evaluation says about one resource: the input that opens a violation. */
export interface Finding {
  policy: string;
  group: string;
  accountId: string;
  region: string;
  resourceId: string;
  /** Owner or team read from the resource's tags; null when the image carries neither. */
  owner: string | null;
  /** Why it violates, in words the owner can act on. */
  why: string;
  /** The action the policy would take (what `remediate` runs), if any. */
  action: string | null;
  /** Extra resource facts for templates (image name, tags...). JSON-safe. */
  details?: Record<string, unknown>;
}

/** A finding with its lifecycle: what the workflow stores and moves on. */
export interface Violation extends Required<Finding> {
  id: string;
  state: ViolationState;
  /** The state to return to when a waiver expires. */
  stateBeforeWaiver: ViolationState | null;
  /** Increments when a resolved violation matches again; step records are per cycle. */
  cycle: number;
  openedAt: string;
  updatedAt: string;
  lastSeenAt: string;
  closedAt: string | null;
}

export interface Transition {
  violationId: string;
  seq: number;
  from: ViolationState | null;
  to: ViolationState;
  at: string;
  reason: string;
  actor: string;
}

export interface Waiver {
  violationId: string;
  reason: string;
  who: string;
  createdAt: string;
  expiresAt: string | null;
}

/**
 * One evaluation of one policy in one group: everything it matched at `at`. Violations of
 * that (policy, group) that are not among the matches were fixed (or the image is gone).
 */
export interface Observation {
  policy: string;
  group: string;
  at: string;
  findings: Finding[];
  /** Findings only (e.g. from `amiwarden run` notification requests): absence resolves nothing. */
  partial?: boolean;
}
