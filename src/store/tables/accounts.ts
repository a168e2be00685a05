import type { HistoryColumns } from './history.ts';

/** An AWS account the collector reads (from the config file or from Organizations). */
export interface AccountsTable extends HistoryColumns {
  account_id: string;
  name: string | null;
  email: string | null;
  /** Organizations State (ACTIVE, SUSPENDED, ...) or null when the account came from config. */
  state: string | null;
  /** config | organizations | caller */
  source: string;
  role_arn: string | null;
}
