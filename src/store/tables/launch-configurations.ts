import type { HistoryColumns } from './history.ts';

/** An Auto Scaling launch configuration. */
export interface LaunchConfigurationsTable extends HistoryColumns {
  account_id: string;
  region: string;
  name: string;
  image_id: string | null;
  created_time: string | null;
}
