import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { ImageUsageView } from './tables/image-usage.ts';

/** A launch permission as DescribeImageAttribute returns it. */
export type LaunchPermission =
  { UserId: string } | { Group: 'all' } | { OrganizationArn: string } | { OrganizationalUnitArn: string };

export interface UsageRef {
  Kind: string;
  RefId: string;
  AccountId: string;
  Region: string;
  State: string;
  InUse: boolean;
  CrossAccount: boolean;
  Since: string | null;
  AgeDays: number | null;
}

/**
 * An image shaped like a Cloud Custodian `aws.ami` resource (the DescribeImages fields:
 * ImageId, Name, OwnerId, CreationDate, State, Public, Tags, BlockDeviceMappings,
 * DeprecationTime, ...) plus our facts. Owner-only facts are 'unknown' when the owner is
 * not collected: never read that as "private" or "never launched".
 */
export interface ImageResource {
  ImageId: string;
  Name?: string;
  OwnerId?: string;
  CreationDate?: string;
  State: string;
  Public?: boolean;
  Tags: { Key: string; Value: string }[];
  BlockDeviceMappings: Record<string, unknown>[];
  DeprecationTime?: string;
  /**
   * AWS's Allowed AMIs verdict as reported to AccountId/Region (that account-region's image_views
   * row); absent when it has no view or the setting was disabled there. Never another viewer's.
   */
  ImageAllowed?: boolean;
  [field: string]: unknown;
  /** The account that owns the image, else the collected account that saw it. */
  AccountId: string;
  Region: string;
  LaunchPermissions: LaunchPermission[] | 'unknown';
  LastLaunched: string | null | 'unknown';
  Usage: UsageRef[];
  /** Any reference with in_use = 1 in any collected account (usage is org-wide). */
  InUse: boolean;
  Describable: boolean;
  DiscoveredVia: string;
  OwnerCollected: boolean;
  FirstSeen: string;
  LastSeen: string;
  DeletedAt: string | null;
}

export interface LoadImageOptions {
  /** Also return images marked deleted (deregistered); default false. */
  includeDeleted?: boolean;
  imageIds?: readonly string[];
}

function toPermission(kind: string, value: string): LaunchPermission {
  if (kind === 'group') return { Group: 'all' };
  if (kind === 'organization') return { OrganizationArn: value };
  if (kind === 'organizational-unit') return { OrganizationalUnitArn: value };
  return { UserId: value };
}

function toUsage(u: ImageUsageView): UsageRef {
  return {
    Kind: u.kind,
    RefId: u.ref_id,
    AccountId: u.account_id,
    Region: u.region,
    State: u.state,
    InUse: Number(u.in_use) === 1,
    CrossAccount: Number(u.cross_account) === 1,
    Since: u.since,
    AgeDays: u.age_days === null ? null : Number(u.age_days),
  };
}

function group<T>(rows: T[], key: (r: T) => string | null): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    if (k === null) continue;
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const viewKey = (imageId: string, accountId: string, region: string): string =>
  `${imageId}\u0000${accountId}\u0000${region}`;

/** Loads images as Custodian-shaped resources with usage, permissions and last launch. */
export async function loadImageResources(
  db: Kysely<Database>,
  opts: LoadImageOptions = {},
): Promise<ImageResource[]> {
  let q = db.selectFrom('images').selectAll().orderBy('image_id');
  if (!opts.includeDeleted) q = q.where('deleted_at', 'is', null);
  if (opts.imageIds) {
    if (opts.imageIds.length === 0) return [];
    q = q.where('image_id', 'in', opts.imageIds as string[]);
  }
  const images = await q.execute();
  const perms = group(
    await db.selectFrom('launch_permissions').selectAll().where('deleted_at', 'is', null).execute(),
    (p) => p.image_id,
  );
  const usage = group(await db.selectFrom('image_usage').selectAll().execute(), (u) => u.image_id);
  // One query for every viewer: each resource then takes the row of its own account-region.
  const views = new Map<string, boolean>();
  for (const v of await db
    .selectFrom('image_views')
    .select(['image_id', 'account_id', 'region', 'image_allowed'])
    .where('deleted_at', 'is', null)
    .where('image_allowed', 'is not', null)
    .execute())
    views.set(viewKey(v.image_id, v.account_id, v.region), Number(v.image_allowed) === 1);
  const bdms = group(
    await db.selectFrom('block_device_mappings').selectAll().where('deleted_at', 'is', null).execute(),
    (b) => b.image_id,
  );
  return images.map((im) => {
    // A raw record stored before image_views may still carry another viewer's ImageAllowed.
    const { ImageAllowed: _otherViewer, ...raw } = im.raw
      ? (JSON.parse(im.raw) as Record<string, unknown>)
      : ({} as Record<string, unknown>);
    const known = im.owner_facts === 'known';
    const refs = (usage.get(im.image_id) ?? []).map(toUsage);
    const fallbackBdm = (bdms.get(im.image_id) ?? []).map((b) => ({
      DeviceName: b.device_name,
      ...(b.snapshot_id
        ? { Ebs: { SnapshotId: b.snapshot_id, VolumeSize: b.volume_size, Encrypted: b.encrypted === 1 } }
        : {}),
    }));
    const res: ImageResource = {
      ...raw,
      ImageId: im.image_id,
      State: im.state,
      Tags: JSON.parse(im.tags) as { Key: string; Value: string }[],
      BlockDeviceMappings: (raw.BlockDeviceMappings as Record<string, unknown>[] | undefined) ?? fallbackBdm,
      AccountId: im.owner_id ?? im.seen_by_account,
      Region: im.region,
      LaunchPermissions: known
        ? (perms.get(im.image_id) ?? []).map((p) => toPermission(p.kind, p.value))
        : 'unknown',
      LastLaunched: known ? im.last_launched_time : 'unknown',
      Usage: refs,
      InUse: refs.some((r) => r.InUse),
      Describable: im.describable === 1,
      DiscoveredVia: im.discovered_via,
      OwnerCollected: im.owner_collected === 1,
      FirstSeen: im.first_seen,
      LastSeen: im.last_seen,
      DeletedAt: im.deleted_at,
    };
    if (im.name !== null) res.Name = im.name;
    if (im.owner_id !== null) res.OwnerId = im.owner_id;
    if (im.creation_date !== null) res.CreationDate = im.creation_date;
    if (im.public !== null) res.Public = im.public === 1;
    if (im.deprecation_time !== null) res.DeprecationTime = im.deprecation_time;
    const allowed = views.get(viewKey(im.image_id, res.AccountId, res.Region));
    if (allowed !== undefined) res.ImageAllowed = allowed;
    return res;
  });
}
