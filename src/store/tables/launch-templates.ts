import type { HistoryColumns } from './history.ts';

/** A launch template, used by an ASG or not. */
export interface LaunchTemplatesTable extends HistoryColumns {
  launch_template_id: string;
  account_id: string;
  region: string;
  name: string;
  default_version: number | null;
  latest_version: number | null;
  create_time: string | null;
  tags: string;
}
