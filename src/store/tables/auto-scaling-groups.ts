import type { HistoryColumns } from './history.ts';

/** An Auto Scaling group; its launch templates are in asg_launch_template_refs. */
export interface AutoScalingGroupsTable extends HistoryColumns {
  account_id: string;
  region: string;
  name: string;
  launch_configuration_name: string | null;
  min_size: number | null;
  max_size: number | null;
  desired_capacity: number | null;
  created_time: string | null;
  tags: string;
}
