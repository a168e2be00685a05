import type { HistoryColumns } from './history.ts';

/** A region collected for an account. */
export interface RegionsTable extends HistoryColumns {
  account_id: string;
  region: string;
  opt_in_status: string | null;
}
