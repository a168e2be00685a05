import { DescribeInstanceImageMetadataCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import type { InstanceImageMetadata, Reservation } from '@aws-sdk/client-ec2';
import { allPages, batches } from '../aws/paging.ts';
import type { RowOf } from '../store/sync.ts';
import { bool, iso, tagsJson } from './types.ts';
import type { ScopeContext } from './types.ts';

/** Every instance in every state: terminated ones are stored, the usage view says they are not use. */
export async function collectInstances(ctx: ScopeContext): Promise<RowOf<'instances'>[]> {
  const { items } = await allPages(
    (req) => ctx.clients.ec2.send(new DescribeInstancesCommand(req)),
    { MaxResults: 1000 },
    (res) => res.Reservations,
  );
  const rows: RowOf<'instances'>[] = [];
  for (const r of items as Reservation[])
    for (const i of r.Instances ?? []) {
      const tag = (k: string) => i.Tags?.find((t) => t.Key === k)?.Value ?? null;
      rows.push({
        instance_id: i.InstanceId ?? '',
        account_id: ctx.accountId,
        region: ctx.region,
        image_id: i.ImageId ?? null,
        state: i.State?.Name ?? 'unknown',
        launch_time: iso(i.LaunchTime),
        instance_type: i.InstanceType ?? null,
        platform: i.Platform ?? null,
        launch_template_id: tag('aws:ec2launchtemplate:id'),
        launch_template_version: tag('aws:ec2launchtemplate:version'),
        tags: tagsJson(i.Tags),
      });
    }
  return rows;
}

/**
 * The image behind instances whose AMI DescribeImages no longer returns (deregistered,
 * unshared, deprecated elsewhere): only instance image metadata still describes it.
 */
export async function instanceImageMetadata(
  ctx: ScopeContext,
  instanceIds: readonly string[],
): Promise<{ row: RowOf<'images'>; deregistered: boolean }[]> {
  const out = new Map<string, { row: RowOf<'images'>; deregistered: boolean }>();
  for (const batch of batches(instanceIds, 100)) {
    const { items } = await allPages(
      (req) => ctx.clients.ec2.send(new DescribeInstanceImageMetadataCommand(req)),
      { InstanceIds: batch },
      (res) => res.InstanceImageMetadata,
    );
    for (const m of items as InstanceImageMetadata[]) {
      const im = m.ImageMetadata;
      if (!im?.ImageId || out.has(im.ImageId)) continue;
      out.set(im.ImageId, {
        deregistered: im.State === 'deregistered',
        row: {
          image_id: im.ImageId,
          region: ctx.region,
          owner_id: im.OwnerId ?? null,
          owner_alias: im.ImageOwnerAlias ?? null,
          name: im.Name ?? null,
          description: null,
          state: im.State ?? 'unknown',
          state_reason: null,
          public: bool(im.IsPublic),
          creation_date: im.CreationDate ?? null,
          deprecation_time: im.DeprecationTime ?? null,
          architecture: null,
          platform: null,
          platform_details: null,
          image_type: null,
          root_device_type: null,
          root_device_name: null,
          virtualization_type: null,
          boot_mode: null,
          ena_support: null,
          tpm_support: null,
          imds_support: null,
          source_image_id: null,
          source_image_region: null,
          source_instance_id: null,
          deregistration_protection: null,
          last_launched_time: null,
          tags: '[]',
          product_codes: '[]',
          discovered_via: 'instance-metadata',
          describable: 0,
          owner_collected: im.OwnerId && ctx.collectedAccounts.has(im.OwnerId) ? 1 : 0,
          owner_facts: 'unknown',
          seen_by_account: ctx.accountId,
          raw: null,
        },
      });
    }
  }
  return [...out.values()];
}
