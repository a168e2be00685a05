import type { HistoryColumns, SqlBool } from './history.ts';

/**
 * One launch template an ASG names: directly, in its mixed-instances policy, or in an
 * override. A reference to a template that no longer exists is kept with dangling = 1.
 */
export interface AsgLaunchTemplateRefsTable extends HistoryColumns {
  account_id: string;
  region: string;
  asg_name: string;
  /** launch-template | mixed-instances | override-<n> */
  position: string;
  launch_template_id: string | null;
  launch_template_name: string | null;
  /** The version as the ASG names it: a number, $Latest or $Default. */
  version: string;
  resolved_version: number | null;
  image_id: string | null;
  dangling: SqlBool;
}
