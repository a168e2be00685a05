import type { HistoryColumns } from './history.ts';

/** An EC2 instance in any state; terminated ones are kept but are not usage. */
export interface InstancesTable extends HistoryColumns {
  instance_id: string;
  account_id: string;
  region: string;
  image_id: string | null;
  state: string;
  launch_time: string | null;
  instance_type: string | null;
  platform: string | null;
  launch_template_id: string | null;
  launch_template_version: string | null;
  tags: string;
}
