import type { Kysely } from 'kysely';

/** Row shapes of the workflow tables (docs/workflows.md describes them). */
export interface ViolationsTable {
  id: string;
  policy: string;
  group_name: string;
  account_id: string;
  region: string;
  resource_id: string;
  owner: string | null;
  why: string;
  action: string | null;
  state: string;
  state_before_waiver: string | null;
  cycle: number;
  opened_at: string;
  updated_at: string;
  last_seen_at: string;
  closed_at: string | null;
  /** JSON object of facts for templates. */
  details: string;
}

export interface ViolationTransitionsTable {
  violation_id: string;
  seq: number;
  from_state: string | null;
  to_state: string;
  at: string;
  reason: string;
  actor: string;
}

export interface ViolationWaiversTable {
  violation_id: string;
  created_at: string;
  reason: string;
  who: string;
  expires_at: string | null;
  ended_at: string | null;
}

/** status: pending | done | unroutable | failed (a remediation that failed stays retryable). */
export interface WorkflowStepsTable {
  violation_id: string;
  cycle: number;
  step_id: string;
  status: string;
  outcome: string | null;
  detail: string | null;
  updated_at: string;
}

export interface WorkflowStepTargetsTable {
  violation_id: string;
  cycle: number;
  step_id: string;
  /** `channel:name` (an address or a configured webhook name, never a URL). */
  target: string;
  attempts: number;
  delivered_at: string | null;
  delivery_key: string | null;
  next_attempt_at: string | null;
  last_error: string | null;
}

export interface WorkflowDeliveriesTable {
  idempotency_key: string;
  kind: string;
  target: string;
  items: number;
  status: string;
  attempts: number;
  first_attempt_at: string;
  last_attempt_at: string;
  delivered_at: string | null;
  last_error: string | null;
}

export interface WorkflowTicketsTable {
  violation_id: string;
  cycle: number;
  issue_key: string;
  label: string;
  opened_at: string;
  closed_at: string | null;
}

export interface WorkflowTicksTable {
  tick_id: string;
  now: string;
  started_at: string;
  finished_at: string | null;
  opened: number;
  resolved: number;
  sent: number;
  failed: number;
  remediated: number;
}

export interface WorkflowLockTable {
  name: string;
  holder: string;
  until: string;
}

// A type alias, not an interface: Kysely's withTables needs an index-signature-compatible type.
export type WorkflowTables = {
  violations: ViolationsTable;
  violation_transitions: ViolationTransitionsTable;
  violation_waivers: ViolationWaiversTable;
  workflow_steps: WorkflowStepsTable;
  workflow_step_targets: WorkflowStepTargetsTable;
  workflow_deliveries: WorkflowDeliveriesTable;
  workflow_tickets: WorkflowTicketsTable;
  workflow_ticks: WorkflowTicksTable;
  workflow_lock: WorkflowLockTable;
};

export type WorkflowDb = Kysely<WorkflowTables>;

/** Views any store's Kysely handle as one that also knows the workflow tables. */
export function workflowDb<T>(db: Kysely<T>): WorkflowDb {
  return (db as unknown as Kysely<object>).withTables<WorkflowTables>() as unknown as WorkflowDb;
}
