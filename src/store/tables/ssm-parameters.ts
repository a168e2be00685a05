import type { HistoryColumns } from './history.ts';

/** An SSM parameter that a launch template uses as its image id (resolve:ssm:). */
export interface SsmParametersTable extends HistoryColumns {
  account_id: string;
  region: string;
  name: string;
  value: string | null;
  version: number | null;
  last_modified: string | null;
}
