import { SeedIssue } from '../seed/load.ts';
import type { SeedImageT, SeedLaunchPermissionT } from '../seed/schema.ts';
import type { EstateState } from './estate.ts';
import type { BlockDevice, ImageRec, LaunchPermission } from './types.ts';

export type Path = (string | number)[];

/** What building one seed record needs from the estate being built. */
export interface SeedBuildContext {
  state: EstateState;
  date: (v: string) => number;
  unique: (id: string, path: Path) => void;
  toPermission: (p: SeedLaunchPermissionT, path: Path) => LaunchPermission;
}

/**
 * An image record from its seed entry, with AWS's defaults. Block devices naming a snapshot the
 * seed does not declare create it (size, encryption, KMS key from the device, the image's date).
 */
export function imageRec(
  ctx: SeedBuildContext,
  img: SeedImageT,
  owner: string,
  region: string,
  path: Path,
): ImageRec {
  const { state, date, unique, toPermission } = ctx;
  const state_ = img.state ?? 'available';
  const perms = [
    ...(img.public ? [{ group: 'all' as const }] : []),
    ...(img.launchPermissions ?? []).map((p, j) => toPermission(p, [...path, 'launchPermissions', j])),
  ];
  if (state_ === 'disabled' && perms.length > 0)
    throw new SeedIssue(path, 'a disabled image has no launch permissions (AWS removes them on disable)');
  const rootDeviceType = img.rootDeviceType ?? 'ebs';
  const rootDeviceName = img.rootDeviceName ?? '/dev/xvda';
  const devices =
    img.blockDevices ??
    (rootDeviceType === 'ebs' ? [{ device: rootDeviceName, snapshot: `snap-${img.id.slice(4)}` }] : []);
  const blockDevices = devices.map((bd, j): BlockDevice => {
    const bpath = [...path, 'blockDevices', j];
    if (!bd.snapshot) return { deviceName: bd.device, virtualName: bd.virtualName };
    let snap = state.snapshots.get(bd.snapshot);
    if (snap && snap.region !== region)
      throw new SeedIssue(bpath, `snapshot ${bd.snapshot} is in ${snap.region}, not ${region}`);
    if (snap && bd.encrypted !== undefined && bd.encrypted !== snap.encrypted)
      throw new SeedIssue(bpath, `encrypted: ${bd.encrypted} contradicts snapshot ${snap.id}`);
    if (!snap && state_ !== 'deregistered') {
      unique(bd.snapshot, bpath);
      snap = {
        id: bd.snapshot,
        region,
        ownerId: owner,
        volumeId: `vol-${bd.snapshot.slice(5)}`,
        volumeSize: bd.size ?? 8,
        created: date(img.created),
        description: `Created by CreateImage for ${img.id}`,
        encrypted: bd.encrypted ?? bd.kmsKeyId !== undefined,
        kmsKeyId: bd.kmsKeyId,
        state: 'completed',
        createVolumePermissions: [],
        tags: new Map(),
      };
      state.addSnapshot(snap);
    }
    return {
      deviceName: bd.device,
      snapshotId: bd.snapshot,
      volumeSize: bd.size ?? snap?.volumeSize ?? 8,
      volumeType: bd.type ?? 'gp3',
      encrypted: bd.encrypted ?? snap?.encrypted ?? false,
      deleteOnTermination: bd.deleteOnTermination ?? true,
    };
  });
  const windows = img.platform === 'windows';
  return {
    id: img.id,
    region,
    ownerId: owner,
    name: img.name,
    description: img.description,
    created: date(img.created),
    state: state_,
    launchPermissions: perms,
    deprecationTime: img.deprecateAt === undefined ? undefined : date(img.deprecateAt),
    deregistrationProtection: img.deregistrationProtection ?? 'disabled',
    lastLaunched: img.lastLaunched === undefined ? undefined : date(img.lastLaunched),
    architecture: img.architecture ?? 'x86_64',
    platform: img.platform,
    platformDetails: img.platformDetails ?? (windows ? 'Windows' : 'Linux/UNIX'),
    usageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
    imageType: img.imageType ?? 'machine',
    rootDeviceType,
    rootDeviceName,
    virtualizationType: img.virtualizationType ?? 'hvm',
    bootMode: img.bootMode,
    imdsSupport: img.imdsSupport,
    tpmSupport: img.tpmSupport,
    enaSupport: img.enaSupport ?? true,
    productCodes: (img.productCodes ?? []).map((p) => ({ ...p })),
    sourceImageId: img.source?.imageId,
    sourceImageRegion: img.source?.region,
    tags: new Map(Object.entries(img.tags ?? {})),
    blockDevices,
  };
}
