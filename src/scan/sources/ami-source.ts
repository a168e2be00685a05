import type { EC2Client, Image, Snapshot } from '@aws-sdk/client-ec2';
import { DescribeImagesCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import type { EBSClient } from '@aws-sdk/client-ebs';
import type { KMSClient } from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AmwError, messageOf } from '../../errors.ts';
import { ebsClient, environmentRegion, kmsClient, regionClients, stsClient } from '../../aws/clients.ts';
import type { AssembledImage } from '../fs/assemble.ts';
import type { Vfs } from '../vfs/vfs.ts';
import { assembleDisks } from './assemble-disks.ts';
import type { DiskMount } from './assemble-disks.ts';
import { EbsSnapshotDevice } from './ebs-source.ts';
import { snapshotKeyProblem } from './kms-preflight.ts';
import { earlyAssembleOptions, prefetchEarlyReads } from './early-reads.ts';
import { allInOrder } from '../disk/all-in-order.ts';
import type { PrefetchOptions } from '../vfs/prefetch.ts';

export interface AmiSourceOptions {
  readonly ec2: EC2Client;
  readonly ebs: EBSClient;
  /** The reading account: snapshots it neither owns nor was granted are unscannable. */
  readonly accountId: string;
  /**
   * Asks KMS whether the reading account may decrypt with an encrypted snapshot's key. Without
   * it only a key of the reading account is taken as usable.
   */
  readonly kms?: KMSClient;
  readonly concurrency?: number;
  /** Read-ahead of what the checks declare and of the volumes' layout (on by default). */
  readonly prefetch?: PrefetchOptions;
  /** Globs the scan's checks may read: gates the early inode-table read-ahead (EbsSourceOptions). */
  readonly plannedGlobs?: readonly string[];
}

export interface AmiVolume {
  /** The block-device mapping's device name (/dev/xvda). */
  readonly device: string;
  readonly snapshotId: string;
}

export interface AmiSource {
  readonly vfs: Vfs;
  readonly image: AssembledImage;
  readonly volumes: readonly AmiVolume[];
  /** Filesystems of the image's other EBS volumes and where its fstab placed them. */
  readonly extraMounts: readonly DiskMount[];
  /** One per volume; their `stats.rounds` share one clock, so the highest is the image's. */
  readonly devices: readonly EbsSnapshotDevice[];
  close(): Promise<void>;
}

const unscannable = (imageId: string, reason: string, cause?: unknown): AmwError =>
  new AmwError(
    'AMW_SCAN_UNSCANNABLE',
    `${imageId}: unscannable: ${reason}`,
    cause === undefined ? {} : { cause },
  );

const awsName = (err: unknown): string => (err as { name?: string }).name ?? '';

const notVisible = (imageId: string, id: string, cause?: unknown): AmwError =>
  unscannable(imageId, `snapshot ${id} is not visible to this account (not shared with us)`, cause);

async function describeOne(ec2: EC2Client, imageId: string, id: string): Promise<Snapshot> {
  try {
    const snap = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [id] }))).Snapshots?.[0];
    if (snap) return snap;
  } catch (err) {
    if (!/^InvalidSnapshot\./.test(awsName(err))) throw err;
    throw notVisible(imageId, id, err);
  }
  throw notVisible(imageId, id);
}

/**
 * All of the image's snapshots in one DescribeSnapshots. EC2 fails the whole call with
 * InvalidSnapshot.NotFound when one id is unknown or not visible to us (and AWS may leave the
 * message empty), so only then is each asked alone, for the reason to name the right snapshot.
 */
async function describeSnapshots(
  ec2: EC2Client,
  imageId: string,
  ids: readonly string[],
): Promise<Map<string, Snapshot>> {
  const unique = [...new Set(ids)];
  let listed: Snapshot[];
  try {
    listed = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: unique }))).Snapshots ?? [];
  } catch (err) {
    if (!/^InvalidSnapshot\./.test(awsName(err))) throw err;
    if (unique.length === 1) throw notVisible(imageId, unique[0]!, err);
    const found = new Map<string, Snapshot>();
    for (const id of unique) found.set(id, await describeOne(ec2, imageId, id));
    return found;
  }
  const found = new Map(listed.map((s) => [s.SnapshotId ?? '', s] as const));
  const missing = unique.find((id) => !found.has(id));
  if (missing) throw notVisible(imageId, missing);
  return found;
}

/** Which of these snapshots (none of them ours) are public: one call for them all. */
async function publicOnes(ec2: EC2Client, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const out = await ec2.send(
    new DescribeSnapshotsCommand({ SnapshotIds: [...new Set(ids)], RestorableByUserIds: ['all'] }),
  );
  return new Set((out.Snapshots ?? []).map((s) => s.SnapshotId ?? ''));
}

/**
 * Decides, before any block is read, whether every EBS snapshot of the image can be read through
 * the EBS direct API; a reason it cannot is an AMW_SCAN_UNSCANNABLE error, never an empty scan.
 */
export async function checkAmiReadable(
  imageId: string,
  opts: Pick<AmiSourceOptions, 'ec2' | 'accountId' | 'kms'>,
): Promise<{ image: Image; volumes: AmiVolume[] }> {
  let image: Image | undefined;
  try {
    image = (await opts.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
  } catch (err) {
    if (!/^InvalidAMIID\./.test(awsName(err))) throw err;
    throw unscannable(imageId, `image not visible to account ${opts.accountId}: ${messageOf(err)}`, err);
  }
  if (!image) throw unscannable(imageId, `image not visible to account ${opts.accountId}`);
  if (image.State !== 'available') throw unscannable(imageId, `image state is ${image.State ?? 'unknown'}`);
  const market = (image.ProductCodes ?? []).find((p) => p.ProductCodeType === 'marketplace');
  if (market)
    throw unscannable(
      imageId,
      `AWS Marketplace product ${market.ProductCodeId ?? ''}: its snapshots cannot be read`,
    );
  if (image.RootDeviceType !== 'ebs')
    throw unscannable(imageId, `root device type is ${image.RootDeviceType ?? 'unknown'}, not EBS`);
  const volumes: AmiVolume[] = [];
  for (const m of image.BlockDeviceMappings ?? []) {
    const id = m.Ebs?.SnapshotId;
    if (id && m.DeviceName) volumes.push({ device: m.DeviceName, snapshotId: id });
  }
  if (volumes.length === 0) throw unscannable(imageId, 'no EBS snapshot in its block-device mappings');
  const snaps = await describeSnapshots(
    opts.ec2,
    imageId,
    volumes.map((v) => v.snapshotId),
  );
  const snapOf = (v: AmiVolume): Snapshot => snaps.get(v.snapshotId)!;
  for (const v of volumes)
    if (snapOf(v).State !== 'completed')
      throw unscannable(imageId, `snapshot ${v.snapshotId} is ${snapOf(v).State ?? 'not completed'}`);
  // The EBS direct API refuses access that comes only from a public snapshot; a non-owner
  // cannot tell a public snapshot that was also shared by id, so public ones are refused.
  const foreign = volumes.filter((v) => snapOf(v).OwnerId !== opts.accountId).map((v) => v.snapshotId);
  const open = await publicOnes(opts.ec2, foreign);
  const firstPublic = volumes.find((v) => open.has(v.snapshotId));
  if (firstPublic)
    throw unscannable(
      imageId,
      `snapshot ${firstPublic.snapshotId} is public, not shared with account ${opts.accountId}`,
    );
  for (const v of volumes) {
    const snap = snapOf(v);
    if (snap.Encrypted) {
      const problem = await snapshotKeyProblem(v.snapshotId, snap.KmsKeyId, opts);
      if (problem) throw unscannable(imageId, problem.reason, problem.cause);
    }
  }
  return { image, volumes };
}

/**
 * `ami:ami-…`: every EBS volume of the image's block-device mappings read through the EBS direct
 * API; the root is found by content and the fstab places the other volumes' filesystems.
 */
export async function openAmiSource(spec: string, opts: AmiSourceOptions): Promise<AmiSource> {
  const imageId = spec.startsWith('ami:') ? spec.slice(4) : spec;
  if (!/^ami-[0-9a-f]+$/.test(imageId)) throw new AmwError('AMW_SCAN_SOURCE', `not an image id: ${spec}`);
  const { volumes } = await checkAmiReadable(imageId, opts);
  // Blocks are fetched lazily and nothing is held open: a failed assembly leaves nothing to close.
  const parallel = opts.prefetch?.parallelDiscovery !== false;
  const ebsOpts = {
    client: opts.ebs,
    rounds: { finished: 0 },
    ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
  };
  const devices = await allInOrder(
    volumes.map((v) => () => EbsSnapshotDevice.open(v.snapshotId, ebsOpts)),
    parallel,
  );
  const assembled = await assembleDisks(
    devices.map((d, i) => ({ device: d, name: volumes[i]!.device })),
    earlyAssembleOptions(opts.prefetch, opts.plannedGlobs),
  );
  prefetchEarlyReads(assembled.vfs, opts.prefetch);
  return {
    vfs: assembled.vfs,
    image: assembled.root,
    volumes,
    extraMounts: assembled.extra,
    devices,
    close: () => assembled.close(),
  };
}

/** `ami:` from a scan command: the SDK's standard credentials, region (AWS_REGION) and endpoint. */
export async function openAmiFromEnvironment(
  spec: string,
  plannedGlobs?: readonly string[],
): Promise<AmiSource> {
  const region = environmentRegion();
  if (!region) throw new AmwError('AMW_SCAN_SOURCE', `${spec}: set AWS_REGION to scan an image`);
  const clients = regionClients({}, region);
  const sts = stsClient({}, region);
  const ebs = ebsClient({}, region);
  const kms = kmsClient({}, region);
  const destroy = () => {
    clients.destroy();
    sts.destroy();
    ebs.destroy();
    kms.destroy();
  };
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    const src = await openAmiSource(spec, {
      ec2: clients.ec2,
      ebs,
      kms,
      accountId: me.Account ?? '',
      ...(plannedGlobs ? { plannedGlobs } : {}),
    });
    return {
      ...src,
      close: async () => {
        await src.close();
        destroy();
      },
    };
  } catch (err) {
    destroy();
    throw err;
  }
}
