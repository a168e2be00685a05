export type Outcome = 'done' | 'skipped' | 'failed' | 'notified' | 'dryrun';

/** One decision about one action on one resource; every decision gets one, whatever the outcome. */
export interface AuditRow {
  runId: string;
  time: string;
  policy: string;
  group: string;
  accountId: string;
  region: string;
  resourceId: string;
  action: string;
  outcome: Outcome;
  reason: string;
}

export interface NotificationRequest {
  runId: string;
  time: string;
  policy: string;
  group: string;
  accountId: string;
  region: string;
  resourceId: string;
  /** The action the notification stands for (`notify` itself, or the action a notify-mode group capped). */
  action: string;
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
