import type { HistoryColumns, SqlBool } from './history.ts';

/**
 * One AMI, wherever we saw it. Owner-only facts (launch permissions, last launched,
 * deregistration protection) are written only from the owner's collection; for images
 * whose owner we do not collect, owner_facts is 'unknown' and those columns stay null.
 */
export interface ImagesTable extends HistoryColumns {
  image_id: string;
  region: string;
  owner_id: string | null;
  owner_alias: string | null;
  name: string | null;
  description: string | null;
  /** DescribeImages State; 'unknown' for images only known from instance metadata. */
  state: string;
  state_reason: string | null;
  public: SqlBool | null;
  creation_date: string | null;
  deprecation_time: string | null;
  architecture: string | null;
  platform: string | null;
  platform_details: string | null;
  image_type: string | null;
  root_device_type: string | null;
  root_device_name: string | null;
  virtualization_type: string | null;
  boot_mode: string | null;
  ena_support: SqlBool | null;
  tpm_support: string | null;
  imds_support: string | null;
  source_image_id: string | null;
  source_image_region: string | null;
  source_instance_id: string | null;
  deregistration_protection: string | null;
  last_launched_time: string | null;
  /** JSON array of {Key, Value}. */
  tags: string;
  /** JSON array of {ProductCodeId, ProductCodeType}. */
  product_codes: string;
  /** owned | shared | referenced | instance-metadata */
  discovered_via: string;
  /** 0 when DescribeImages no longer returns it but an instance still runs it. */
  describable: SqlBool;
  /** 1 when the owner is one of the collected accounts. */
  owner_collected: SqlBool;
  /** known | unknown: whether launch permissions and last launched were readable. */
  owner_facts: string;
  /**
   * The owner when its account is collected; otherwise the collected account that first saw the
   * image (later viewers refresh the describable facts but keep this).
   */
  seen_by_account: string;
  /** The DescribeImages object as JSON (Custodian-shaped resource), or null if not describable. */
  raw: string | null;
}
