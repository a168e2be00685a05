import { isAmwError } from '../../errors.ts';
import type { BlockDevice } from '../disk/block-device.ts';
import { findVolumes } from '../disk/volumes.ts';
import type { Volume } from '../disk/volumes.ts';
import type { AssembleOptions, AssembledImage } from '../fs/assemble.ts';
import { allInOrder, settleInOrder } from '../disk/all-in-order.ts';
import { assembleImage } from '../fs/assemble.ts';
import type { FstabEntry } from '../fs/fstab.ts';
import type { InodeFs } from '../fs/inode-fs.ts';
import { openFs } from '../fs/probe.ts';
import { TreeVfs } from '../fs/tree-vfs.ts';
import { normalizeImagePath } from '../vfs/vfs.ts';

/** One attached disk of an image and the device name it is attached as (/dev/xvdb). */
export interface NamedDisk {
  readonly device: BlockDevice;
  readonly name: string;
}

export interface DiskMount {
  readonly path: string;
  /** The attached device name the filesystem came from. */
  readonly disk: string;
  readonly fs: InodeFs;
}

export interface AssembledDisks {
  readonly vfs: TreeVfs;
  /** The disk that holds the root, assembled as a single disk is. */
  readonly root: AssembledImage;
  readonly extra: readonly DiskMount[];
  /** fstab entries placed on no disk. */
  readonly unplaced: readonly FstabEntry[];
  close(): Promise<void>;
}

/** sdb, xvdb and nvme names of one attachment all end in the same letter(s): compare those. */
function attachmentLetters(name: string): string | undefined {
  return /^\/dev\/(?:sd|xvd|vd|hd)([a-z]+)$/.exec(name)?.[1];
}

/** Whether an fstab spec names this filesystem of another attached disk. */
function matchesOther(spec: string, disk: NamedDisk, v: Volume, fs: InodeFs): boolean {
  const eq = spec.indexOf('=');
  if (eq > 0) {
    const key = spec.slice(0, eq);
    const value = spec.slice(eq + 1);
    if (key === 'UUID') return value.toLowerCase() === fs.uuid;
    if (key === 'LABEL') return value === fs.volumeLabel;
    if (key === 'PARTUUID') return value.toLowerCase() === v.partition?.uuid;
    if (key === 'PARTLABEL') return value === v.partition?.name;
    return false;
  }
  const byUuid = /^\/dev\/disk\/by-uuid\/(.+)$/.exec(spec);
  if (byUuid) return byUuid[1]!.toLowerCase() === fs.uuid;
  const byLabel = /^\/dev\/disk\/by-label\/(.+)$/.exec(spec);
  if (byLabel) return byLabel[1] === fs.volumeLabel;
  // A device path: the attachment's name, bare (whole-disk filesystem) or with a partition number.
  const dev = /^(\/dev\/(?:sd|xvd|vd|hd)[a-z]+?)(\d*)$/.exec(spec);
  const mine = attachmentLetters(disk.name);
  if (!dev || !mine || attachmentLetters(dev[1]!) !== mine) return false;
  return dev[2] === ''
    ? v.partition === undefined && v.lv === undefined
    : v.partition?.number === Number(dev[2]);
}

/**
 * Several disks of one image (the EBS volumes of an AMI): the first disk, in the order given, on
 * which a single-disk assembly finds a root is the root disk; the fstab entries it could not place
 * are looked for on the other disks by filesystem UUID/label, partition or attachment name. Every
 * disk is assembled at once (unless `parallelDiscovery` is off); the choice is still made in order.
 */
export async function assembleDisks(
  disks: readonly NamedDisk[],
  options: AssembleOptions = {},
): Promise<AssembledDisks> {
  const parallel = options.prefetch?.parallelDiscovery ?? true;
  let root: AssembledImage | undefined;
  let rootDisk: NamedDisk | undefined;
  let firstError: unknown;
  const tries = await settleInOrder(
    disks.map((disk) => () => assembleImage(disk.device, options)),
    parallel && disks.length > 1,
  );
  for (let i = 0; i < disks.length && !root; i++) {
    const t = tries[i]!;
    if (t.status === 'fulfilled') {
      root = t.value;
      rootDisk = disks[i];
    } else if (!isAmwError(t.reason)) throw t.reason;
    else firstError ??= t.reason;
  }
  if (!root || !rootDisk) throw firstError;
  const wanted = root.unplaced.length > 0;
  const otherDisks = wanted ? disks.filter((d) => d !== rootDisk) : [];
  // The volumes were listed once already; the device caches make this second look cheap.
  const perDisk = await allInOrder(
    otherDisks.map((disk) => async () => {
      const volumes = await findVolumes(disk.device, { parallel });
      const fss = await settleInOrder(
        volumes.map((v) => () => openFs(v.device, `${disk.name}:${v.label}`)),
        parallel,
      );
      const found: { disk: NamedDisk; volume: Volume; fs: InodeFs }[] = [];
      fss.forEach((f, i) => {
        // A volume we cannot read stays unplaced, as on a single disk.
        if (f.status === 'rejected') {
          if (!isAmwError(f.reason)) throw f.reason;
        } else if (f.value) found.push({ disk, volume: volumes[i]!, fs: f.value });
      });
      return found;
    }),
    parallel,
  );
  const others = perDisk.flat();
  const extra: DiskMount[] = [];
  const unplaced: FstabEntry[] = [];
  for (const entry of root.unplaced) {
    const path = normalizeImagePath(entry.mountPoint);
    const found = others.find((o) => matchesOther(entry.spec, o.disk, o.volume, o.fs));
    if (found && !extra.some((e) => e.path === path))
      extra.push({ path, disk: found.disk.name, fs: found.fs });
    else unplaced.push(entry);
  }
  const vfs =
    extra.length === 0
      ? root.vfs
      : new TreeVfs(
          root.vfs.label,
          [
            ...root.mounts.map((m) => ({ path: m.path, fs: m.fs })),
            ...extra.map((e) => ({ path: e.path, fs: e.fs })),
          ],
          options.prefetch,
        );
  return {
    vfs,
    root,
    extra,
    unplaced,
    close: async () => {
      await vfs.close();
      await Promise.all(disks.map((d) => d.device.close?.()));
    },
  };
}
