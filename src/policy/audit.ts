export type Outcome = 'done' | 'skipped' | 'failed' | 'notified' | 'dryrun';

/** Which action, on which resource, in which run, policy, group, account and region. */
export interface ActionRecord {
  runId: string;
  time: string;
  policy: string;
  group: string;
  accountId: string;
  region: string;
  resourceId: string;
  /** The action decided on; for a notification, `notify` itself or the action a notify-mode group capped. */
  action: string;
}

/** One decision about one action on one resource; every decision gets one, whatever the outcome. */
export interface AuditRow extends ActionRecord {
  outcome: Outcome;
  reason: string;
}

export interface NotificationRequest extends ActionRecord {
  payload: Record<string, unknown>;
}

/** Where audit rows and notification requests go: the store in a real run, memory in tests. */
export interface AuditSink {
  record(row: AuditRow): Promise<void>;
  notify(req: NotificationRequest): Promise<void>;
}

export class MemoryAudit implements AuditSink {
  readonly rows: AuditRow[] = [];
  readonly notifications: NotificationRequest[] = [];
  async record(row: AuditRow): Promise<void> {
    this.rows.push(row);
  }
  async notify(req: NotificationRequest): Promise<void> {
    this.notifications.push(req);
  }
}
