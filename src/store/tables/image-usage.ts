import type { SqlBool } from './history.ts';

/**
 * The image_usage view: one row per reference to an image, explaining why it is in use.
 * kind: instance | launch-template-version | launch-configuration | auto-scaling-group |
 * ssm-parameter | other-account. Only rows with in_use = 1 count as use (terminated
 * instances and bare sharing grants are shown with in_use = 0).
 */
export interface ImageUsageView {
  /** Null for a dangling ASG reference (its template is gone). */
  image_id: string | null;
  kind: string;
  /** The referencing object: instance id, lt-id:version, LC name, ASG name, parameter, account. */
  ref_id: string;
  account_id: string;
  region: string;
  state: string;
  in_use: SqlBool;
  /** 1 when the reference lives in an account other than the image owner. */
  cross_account: SqlBool;
  /** When the reference began (launch time, version create time...), ISO text. */
  since: string | null;
  age_days: number | null;
}
