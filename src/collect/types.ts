import type { RegionClients } from '../aws/clients.ts';
import type { RowOf } from '../store/sync.ts';

/** What a collector gets for one account in one region. */
export interface ScopeContext {
  readonly clients: RegionClients;
  readonly accountId: string;
  readonly region: string;
  /** Every account in this collection: their images' owner facts are read by their owner. */
  readonly collectedAccounts: ReadonlySet<string>;
  /** Per-image attribute calls in flight at once within this scope. */
  readonly attributeConcurrency: number;
}

/**
 * Everything one account x region yielded. It is written in one transaction, and only when
 * every call of the scope succeeded, so a failed page never deletes anything.
 */
export interface ScopeData {
  accountId: string;
  region: string;
  ownedImages: RowOf<'images'>[];
  /** Shared with us, or referenced by our instances/templates/configurations. */
  otherImages: RowOf<'images'>[];
  /** Known only from instance image metadata: in use, not describable. */
  metadataImages: { row: RowOf<'images'>; deregistered: boolean }[];
  /** This scope's view of every image it described (owned, shared, referenced). */
  imageViews: RowOf<'image_views'>[];
  blockDeviceMappings: RowOf<'block_device_mappings'>[];
  launchPermissions: RowOf<'launch_permissions'>[];
  snapshots: RowOf<'snapshots'>[];
  instances: RowOf<'instances'>[];
  launchTemplates: RowOf<'launch_templates'>[];
  launchTemplateVersions: RowOf<'launch_template_versions'>[];
  launchConfigurations: RowOf<'launch_configurations'>[];
  autoScalingGroups: RowOf<'auto_scaling_groups'>[];
  asgRefs: RowOf<'asg_launch_template_refs'>[];
  ssmParameters: RowOf<'ssm_parameters'>[];
  settings: RowOf<'account_settings'>;
}

export const tagsJson = (tags: { Key?: string; Value?: string }[] | undefined): string =>
  JSON.stringify((tags ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' })));

export const bool = (b: boolean | undefined | null): 0 | 1 | null =>
  b === undefined || b === null ? null : b ? 1 : 0;

export const iso = (d: Date | string | undefined | null): string | null =>
  d === undefined || d === null ? null : d instanceof Date ? d.toISOString() : d;
