import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import type { Image } from '@aws-sdk/client-ec2';
import { awsErrorName } from '../aws/errors.ts';
import { allPages, batches } from '../aws/paging.ts';
import type { RowOf } from '../store/sync.ts';
import { bool, tagsJson } from './types.ts';
import type { ScopeContext } from './types.ts';

const PAGE = 1000;
/** Ids per by-id lookup; small enough that a bad id costs little to bisect. */
const ID_BATCH = 100;

/**
 * Images the account owns. Deprecated and disabled images are hidden from DescribeImages
 * unless asked for, and a retention tool that misses them deletes their snapshots.
 */
export async function listOwnedImages(ctx: ScopeContext): Promise<Image[]> {
  const { items } = await allPages(
    (req) => ctx.clients.ec2.send(new DescribeImagesCommand(req)),
    { Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true, MaxResults: PAGE },
    (res) => res.Images,
  );
  return items as Image[];
}

/** Images other accounts share with this one (ExecutableUsers=self includes org/OU shares). */
export async function listSharedImages(ctx: ScopeContext): Promise<Image[]> {
  const { items } = await allPages(
    (req) => ctx.clients.ec2.send(new DescribeImagesCommand(req)),
    { ExecutableUsers: ['self'], IncludeDeprecated: true, IncludeDisabled: true, MaxResults: PAGE },
    (res) => res.Images,
  );
  return (items as Image[]).filter((i) => i.OwnerId !== ctx.accountId);
}

/**
 * Looks images up by id, in batches: never by listing public catalogs. An id that no longer
 * exists fails its whole batch (InvalidAMIID.NotFound); such ids are dropped from the batch
 * (named in the message, else found by halving) and reported as missing.
 */
export async function lookupImages(
  ctx: ScopeContext,
  ids: readonly string[],
): Promise<{ found: Image[]; missing: string[] }> {
  const found: Image[] = [];
  const missing: string[] = [];
  const lookup = async (batch: string[]): Promise<void> => {
    if (batch.length === 0) return;
    try {
      const res = await ctx.clients.ec2.send(
        new DescribeImagesCommand({ ImageIds: batch, IncludeDeprecated: true, IncludeDisabled: true }),
      );
      const got = res.Images ?? [];
      found.push(...got);
      const gotIds = new Set(got.map((i) => i.ImageId));
      for (const id of batch) if (!gotIds.has(id)) missing.push(id);
    } catch (err) {
      const name = awsErrorName(err);
      if (
        name !== 'InvalidAMIID.NotFound' &&
        name !== 'InvalidAMIID.Unavailable' &&
        name !== 'InvalidAMIID.Malformed'
      )
        throw err;
      const named = new Set(String((err as Error).message).match(/ami-[0-9a-f]+/g) ?? []);
      const bad = batch.filter((id) => named.has(id));
      if (bad.length > 0) {
        missing.push(...bad);
        return lookup(batch.filter((id) => !named.has(id)));
      }
      if (batch.length === 1) {
        missing.push(...batch);
        return;
      }
      const mid = Math.ceil(batch.length / 2);
      await lookup(batch.slice(0, mid));
      await lookup(batch.slice(mid));
    }
  };
  for (const b of batches([...new Set(ids)].sort(), ID_BATCH)) await lookup(b);
  return { found, missing };
}

export type DiscoveredVia = 'owned' | 'shared' | 'referenced' | 'instance-metadata';

export function imageRow(img: Image, ctx: ScopeContext, via: DiscoveredVia): RowOf<'images'> {
  const owned = img.OwnerId === ctx.accountId;
  return {
    image_id: img.ImageId ?? '',
    region: ctx.region,
    owner_id: img.OwnerId ?? null,
    owner_alias: img.ImageOwnerAlias ?? null,
    name: img.Name ?? null,
    description: img.Description ?? null,
    state: img.State ?? 'unknown',
    state_reason: img.StateReason?.Message ?? img.StateReason?.Code ?? null,
    public: bool(img.Public),
    creation_date: img.CreationDate ?? null,
    deprecation_time: img.DeprecationTime ?? null,
    architecture: img.Architecture ?? null,
    platform: img.Platform ?? null,
    platform_details: img.PlatformDetails ?? null,
    image_type: img.ImageType ?? null,
    root_device_type: img.RootDeviceType ?? null,
    root_device_name: img.RootDeviceName ?? null,
    virtualization_type: img.VirtualizationType ?? null,
    boot_mode: img.BootMode ?? null,
    ena_support: bool(img.EnaSupport),
    tpm_support: img.TpmSupport ?? null,
    imds_support: img.ImdsSupport ?? null,
    source_image_id: img.SourceImageId ?? null,
    source_image_region: img.SourceImageRegion ?? null,
    source_instance_id: img.SourceInstanceId ?? null,
    // Owner-only facts: only the owner's own view is trusted; others record null + 'unknown'.
    deregistration_protection: owned ? (img.DeregistrationProtection ?? null) : null,
    last_launched_time: owned ? (img.LastLaunchedTime ?? null) : null,
    tags: tagsJson(img.Tags),
    product_codes: JSON.stringify(
      (img.ProductCodes ?? []).map((p) => ({
        ProductCodeId: p.ProductCodeId,
        ProductCodeType: p.ProductCodeType,
      })),
    ),
    discovered_via: via,
    describable: 1,
    owner_collected: img.OwnerId && ctx.collectedAccounts.has(img.OwnerId) ? 1 : 0,
    owner_facts: owned ? 'known' : 'unknown',
    seen_by_account: ctx.accountId,
    raw: rawImage(img),
  };
}

/**
 * The image as DescribeImages returned it, less ImageAllowed: that is judged for the calling
 * account, and the row is shared by every account that sees the image (image_views keeps it).
 */
function rawImage(img: Image): string {
  const { ImageAllowed: _perViewer, ...rest } = img;
  return JSON.stringify(rest);
}

/** This account-region's own view of an image it described (ImageAllowed is judged for it alone). */
export function imageViewRow(img: Image, ctx: ScopeContext, via: DiscoveredVia): RowOf<'image_views'> {
  return {
    image_id: img.ImageId ?? '',
    account_id: ctx.accountId,
    region: ctx.region,
    image_allowed: bool(img.ImageAllowed),
    discovered_via: via,
  };
}

export function blockDeviceRows(img: Image): RowOf<'block_device_mappings'>[] {
  return (img.BlockDeviceMappings ?? []).map((b) => ({
    image_id: img.ImageId ?? '',
    device_name: b.DeviceName ?? '',
    snapshot_id: b.Ebs?.SnapshotId ?? null,
    volume_size: b.Ebs?.VolumeSize ?? null,
    volume_type: b.Ebs?.VolumeType ?? null,
    encrypted: bool(b.Ebs?.Encrypted),
    delete_on_termination: bool(b.Ebs?.DeleteOnTermination),
    iops: b.Ebs?.Iops ?? null,
    throughput: b.Ebs?.Throughput ?? null,
    virtual_name: b.VirtualName ?? null,
    no_device: b.NoDevice !== undefined ? 1 : 0,
  }));
}

/** Columns a non-owner may overwrite: never the owner-only facts. */
export const NON_OWNER_IMAGE_COLUMNS = [
  'region',
  'owner_id',
  'owner_alias',
  'name',
  'description',
  'state',
  'state_reason',
  'public',
  'creation_date',
  'deprecation_time',
  'architecture',
  'platform',
  'platform_details',
  'image_type',
  'root_device_type',
  'root_device_name',
  'virtualization_type',
  'boot_mode',
  'ena_support',
  'tpm_support',
  'imds_support',
  'source_image_id',
  'source_image_region',
  'source_instance_id',
  'tags',
  'product_codes',
  'describable',
  'owner_collected',
  'raw',
] as const;
