import type { AccountSettingsTable } from './tables/account-settings.ts';
import type { AccountsTable } from './tables/accounts.ts';
import type { AdvisoryImportsTable, AdvisoryRowsTable } from './tables/advisories.ts';
import type { AsgLaunchTemplateRefsTable } from './tables/asg-launch-template-refs.ts';
import type { AutoScalingGroupsTable } from './tables/auto-scaling-groups.ts';
import type { BlockDeviceMappingsTable } from './tables/block-device-mappings.ts';
import type { CollectionRunsTable, CollectionScopesTable } from './tables/collection-runs.ts';
import type { ImageUsageView } from './tables/image-usage.ts';
import type { ImageViewsTable } from './tables/image-views.ts';
import type { ImagesTable } from './tables/images.ts';
import type { InstancesTable } from './tables/instances.ts';
import type { LaunchConfigurationsTable } from './tables/launch-configurations.ts';
import type { LaunchPermissionsTable } from './tables/launch-permissions.ts';
import type { LaunchTemplateVersionsTable } from './tables/launch-template-versions.ts';
import type { LaunchTemplatesTable } from './tables/launch-templates.ts';
import type { RegionsTable } from './tables/regions.ts';
import type { SnapshotsTable } from './tables/snapshots.ts';
import type { SsmParametersTable } from './tables/ssm-parameters.ts';

/** The asset store as Kysely sees it. docs/schema.md documents every column. */
export interface Database {
  accounts: AccountsTable;
  regions: RegionsTable;
  images: ImagesTable;
  image_views: ImageViewsTable;
  launch_permissions: LaunchPermissionsTable;
  block_device_mappings: BlockDeviceMappingsTable;
  snapshots: SnapshotsTable;
  instances: InstancesTable;
  launch_templates: LaunchTemplatesTable;
  launch_template_versions: LaunchTemplateVersionsTable;
  launch_configurations: LaunchConfigurationsTable;
  auto_scaling_groups: AutoScalingGroupsTable;
  asg_launch_template_refs: AsgLaunchTemplateRefsTable;
  ssm_parameters: SsmParametersTable;
  account_settings: AccountSettingsTable;
  collection_runs: CollectionRunsTable;
  collection_scopes: CollectionScopesTable;
  image_usage: ImageUsageView;
  advisory_imports: AdvisoryImportsTable;
  advisory_rows: AdvisoryRowsTable;
}

/** Primary keys of the history tables, used by the sync writer for upserts. */
export const TABLE_KEYS = {
  accounts: ['account_id'],
  regions: ['account_id', 'region'],
  images: ['image_id'],
  image_views: ['image_id', 'account_id', 'region'],
  launch_permissions: ['image_id', 'kind', 'value'],
  block_device_mappings: ['image_id', 'device_name'],
  snapshots: ['snapshot_id'],
  instances: ['instance_id'],
  launch_templates: ['launch_template_id'],
  launch_template_versions: ['launch_template_id', 'version_number'],
  launch_configurations: ['account_id', 'region', 'name'],
  auto_scaling_groups: ['account_id', 'region', 'name'],
  asg_launch_template_refs: ['account_id', 'region', 'asg_name', 'position'],
  ssm_parameters: ['account_id', 'region', 'name'],
  account_settings: ['account_id', 'region'],
} as const satisfies Partial<Record<keyof Database, readonly string[]>>;

export type HistoryTable = keyof typeof TABLE_KEYS;
