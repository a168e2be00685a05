import { DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import type { Snapshot } from '@aws-sdk/client-ec2';
import { allPages } from '../aws/paging.ts';
import type { RowOf } from '../store/sync.ts';
import { bool, iso, tagsJson } from './types.ts';
import type { ScopeContext } from './types.ts';

/** Snapshots the account owns; their link to images is block_device_mappings.snapshot_id. */
export async function collectSnapshots(ctx: ScopeContext): Promise<RowOf<'snapshots'>[]> {
  const { items } = await allPages(
    (req) => ctx.clients.ec2.send(new DescribeSnapshotsCommand(req)),
    { OwnerIds: ['self'], MaxResults: 1000 },
    (res) => res.Snapshots,
  );
  return (items as Snapshot[]).map((s) => ({
    snapshot_id: s.SnapshotId ?? '',
    account_id: ctx.accountId,
    region: ctx.region,
    volume_id: s.VolumeId ?? null,
    state: s.State ?? null,
    encrypted: bool(s.Encrypted),
    kms_key_id: s.KmsKeyId ?? null,
    volume_size: s.VolumeSize ?? null,
    start_time: iso(s.StartTime),
    description: s.Description ?? null,
    storage_tier: s.StorageTier ?? null,
    tags: tagsJson(s.Tags),
  }));
}
