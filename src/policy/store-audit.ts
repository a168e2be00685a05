import type { Kysely } from 'kysely';
import { migrateLedger } from '../store/ledger.ts';
import type { AuditRow, AuditSink, NotificationRequest } from './audit.ts';
import { POLICY_MIGRATIONS } from './migrations/index.ts';
import type { Database } from '../store/schema.ts';

interface Row {
  run_id: string;
  time: string;
  policy: string;
  group_name: string;
  account_id: string;
  region: string;
  resource_id: string;
  action: string;
}
export type PolicyTables = {
  policy_audit: Row & { outcome: string; reason: string };
  policy_notifications: Row & { payload: string; status?: string };
};

/** The store's connection seen through the policy tables only; they live in the same database. */
export function policyDb(db: Kysely<Database>): Kysely<PolicyTables> {
  return db as unknown as Kysely<PolicyTables>;
}

/** Applies the policy engine's migrations; kept apart from the store's ledger so neither edits the other. */
export async function migratePolicyTables(db: Kysely<PolicyTables>): Promise<void> {
  await migrateLedger(db, POLICY_MIGRATIONS, 'amw_policy_migrations');
}

const base = (r: AuditRow | NotificationRequest): Row => ({
  run_id: r.runId,
  time: r.time,
  policy: r.policy,
  group_name: r.group,
  account_id: r.accountId,
  region: r.region,
  resource_id: r.resourceId,
  action: r.action,
});

export class StoreAudit implements AuditSink {
  constructor(private readonly db: Kysely<PolicyTables>) {}

  async record(row: AuditRow): Promise<void> {
    await this.db
      .insertInto('policy_audit')
      .values({ ...base(row), outcome: row.outcome, reason: row.reason })
      .execute();
  }

  async notify(req: NotificationRequest): Promise<void> {
    await this.db
      .insertInto('policy_notifications')
      .values({ ...base(req), payload: JSON.stringify(req.payload) })
      .execute();
  }

  async rows(runId?: string): Promise<AuditRow[]> {
    let q = this.db.selectFrom('policy_audit').selectAll();
    if (runId) q = q.where('run_id', '=', runId);
    const rows = await q.execute();
    return rows.map((r) => ({
      runId: r.run_id,
      time: r.time,
      policy: r.policy,
      group: r.group_name,
      accountId: r.account_id,
      region: r.region,
      resourceId: r.resource_id,
      action: r.action,
      outcome: r.outcome as AuditRow['outcome'],
      reason: r.reason,
    }));
  }
}
