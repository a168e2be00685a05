import type { HistoryColumns, SqlBool } from './history.ts';

/**
 * The versions that matter: $Default, $Latest and every version an ASG, an instance or a
 * mixed-instances override names. Other versions are not collected.
 */
export interface LaunchTemplateVersionsTable extends HistoryColumns {
  launch_template_id: string;
  version_number: number;
  account_id: string;
  region: string;
  /** The ImageId as written in the version: an AMI id or resolve:ssm:NAME. */
  image_ref: string | null;
  /** The AMI id the version launches (resolved through SSM when needed). */
  image_id: string | null;
  /** The SSM parameter named by a resolve:ssm: image id. */
  ssm_parameter: string | null;
  is_default: SqlBool;
  is_latest: SqlBool;
  /** 1 when an ASG, an instance or an override names this version explicitly. */
  referenced: SqlBool;
  create_time: string | null;
}
