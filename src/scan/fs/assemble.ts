import { AmwError, isAmwError } from '../../errors.ts';
import type { BlockDevice } from '../disk/block-device.ts';
import type { Volume } from '../disk/volumes.ts';
import { findVolumes } from '../disk/volumes.ts';
import { isVfsError, normalizeImagePath } from '../vfs/vfs.ts';
import type { InodeFs } from './inode-fs.ts';
import { openFs } from './probe.ts';
import type { Mount } from './tree-vfs.ts';
import { TreeVfs, inodeTableReader } from './tree-vfs.ts';
import type { FstabEntry } from './fstab.ts';
import type { PrefetchOptions } from '../vfs/prefetch.ts';
import { PREFETCH_DEFAULTS, prefetchGlobs } from '../vfs/prefetch.ts';
import { settleInOrder } from '../disk/all-in-order.ts';
import { parseFstab } from './fstab.ts';

export interface PlacedVolume {
  readonly path: string;
  readonly volume: Volume;
  readonly fs: InodeFs;
}

export interface AssembledImage {
  readonly vfs: TreeVfs;
  readonly mounts: readonly PlacedVolume[];
  /** fstab entries for local filesystems that are not on this disk (other EBS volumes, say). */
  readonly unplaced: readonly FstabEntry[];
}

const OS_RELEASE = ['/etc/os-release', '/usr/lib/os-release'];

async function isRoot(fs: InodeFs): Promise<boolean> {
  const vfs = new TreeVfs(fs.label, [{ path: '/', fs }]);
  // Both places at once; the answer is read in order, as one lookup after the other would give it.
  const looks = await Promise.allSettled(OS_RELEASE.map((p) => vfs.stat(p)));
  for (const look of looks) {
    if (look.status === 'fulfilled') {
      if (look.value.type === 'file') return true;
    } else if (!isVfsError(look.reason)) throw look.reason;
  }
  return false;
}

/** Which volume an fstab device spec names, by filesystem UUID/label, partition or LV. */
function matches(spec: string, v: Volume, fs: InodeFs): boolean {
  const [key, ...rest] = spec.split('=');
  const value = rest.join('=');
  if (rest.length > 0) {
    switch (key) {
      case 'UUID':
        return value.toLowerCase() === fs.uuid;
      case 'LABEL':
        return value === fs.volumeLabel;
      case 'PARTUUID':
        return value.toLowerCase() === v.partition?.uuid;
      case 'PARTLABEL':
        return value === v.partition?.name;
      default:
        return false;
    }
  }
  const byUuid = /^\/dev\/disk\/by-uuid\/(.+)$/.exec(spec);
  if (byUuid) return byUuid[1]!.toLowerCase() === fs.uuid;
  const byLabel = /^\/dev\/disk\/by-label\/(.+)$/.exec(spec);
  if (byLabel) return byLabel[1] === fs.volumeLabel;
  if (v.lv) {
    const mapper = `/dev/mapper/${v.lv.vg.replace(/-/g, '--')}-${v.lv.name.replace(/-/g, '--')}`;
    return spec === mapper || spec === `/dev/${v.lv.vg}/${v.lv.name}`;
  }
  const part = /^\/dev\/(?:(?:sd|xvd|vd|hd)[a-z]+|nvme\d+n\d+p|mmcblk\d+p)(\d+)$/.exec(spec);
  return part !== null && v.partition !== undefined && Number(part[1]) === v.partition.number;
}

export interface AssembleOptions {
  readonly prefetch?: PrefetchOptions;
  /**
   * Globs the scan reads first (the OS file, the package database): read ahead on the root
   * filesystem as soon as it is known, alongside the fstab, when read-ahead is on.
   */
  readonly early?: {
    readonly globs: readonly string[];
    readonly options: PrefetchOptions;
    /**
     * Also read the root filesystem's in-use inode tables ahead right away: the whole-tree checks
     * (world-writable, SUID, unowned) run on nearly every scan, and their read-ahead later then
     * finds these blocks cached instead of starting its own chain after OS detection.
     */
    readonly inodeTables?: boolean;
  };
}

/**
 * Finds the root filesystem by content (an os-release file), then places the other volumes where
 * its fstab says. Volumes that hold no filesystem we read are passed over. Every volume is opened,
 * and every filesystem looked at for an os-release, all at once (unless `parallelDiscovery` is
 * off); the outcome is taken in volume order, so the choice is the one a serial search makes.
 */
export async function assembleImage(
  disk: BlockDevice,
  options: AssembleOptions = {},
): Promise<AssembledImage> {
  const parallel = options.prefetch?.parallelDiscovery ?? true;
  const volumes = await findVolumes(disk, { parallel });
  const opened: { volume: Volume; fs: InodeFs }[] = [];
  const failures: unknown[] = [];
  const openings = await settleInOrder(
    volumes.map((volume) => () => openFs(volume.device, volume.label)),
    parallel,
  );
  openings.forEach((o, i) => {
    if (o.status === 'fulfilled') {
      if (o.value) opened.push({ volume: volumes[i]!, fs: o.value });
    } else if (!isAmwError(o.reason)) throw o.reason;
    else failures.push(o.reason);
  });
  let root: { volume: Volume; fs: InodeFs } | undefined;
  const looks = await settleInOrder(
    opened.map((candidate) => () => isRoot(candidate.fs)),
    parallel,
  );
  for (let i = 0; i < opened.length && !root; i++) {
    const look = looks[i]!;
    if (look.status === 'fulfilled') {
      if (look.value) root = opened[i];
    } else if (!isAmwError(look.reason)) throw look.reason;
    else failures.push(look.reason);
  }
  if (!root) {
    const first = failures[0];
    throw new AmwError(
      'AMW_DISK_NO_ROOT',
      `${disk.label}: no volume holds an os-release file (${opened.length} filesystems read)` +
        (first instanceof Error ? `; ${first.message}` : ''),
      first === undefined ? {} : { cause: first },
    );
  }
  const mounts: PlacedVolume[] = [{ path: '/', volume: root.volume, fs: root.fs }];
  const unplaced: FstabEntry[] = [];
  const rootVfs = new TreeVfs(root.fs.label, [{ path: '/', fs: root.fs }]);
  if (options.early && options.prefetch?.enabled !== false) {
    // A hint only: prefetchGlobs never throws, and the real reads report their own errors.
    void prefetchGlobs(rootVfs, options.early.globs, options.early.options);
    const o = { ...PREFETCH_DEFAULTS, ...options.prefetch };
    const readTables = options.early.inodeTables ? inodeTableReader(root.fs, o) : undefined;
    void readTables?.(o.maxInodeTableBytes).catch(() => 0);
  }
  let fstab = '';
  try {
    fstab = (await rootVfs.readFile('/etc/fstab', { maxBytes: 1024 * 1024 })).toString('utf8');
  } catch (err) {
    if (!isVfsError(err)) throw err;
  }
  for (const entry of parseFstab(fstab)) {
    const path = normalizeImagePath(entry.mountPoint);
    if (path === '/' || mounts.some((m) => m.path === path)) continue;
    const found = opened.find((o) => o !== root && matches(entry.spec, o.volume, o.fs));
    if (found) mounts.push({ path, volume: found.volume, fs: found.fs });
    else unplaced.push(entry);
  }
  const tree: Mount[] = mounts.map((m) => ({ path: m.path, fs: m.fs }));
  return { vfs: new TreeVfs(root.fs.label, tree, options.prefetch), mounts, unplaced };
}
