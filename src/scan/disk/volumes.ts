import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';
import { SliceDevice } from './block-device.ts';
import { readGpt } from './gpt.ts';
import type { PartitionEntry } from './mbr.ts';
import { MBR_PROTECTIVE, hasMbrSignature, readMbr } from './mbr.ts';
import type { PhysicalVolume } from './lvm.ts';
import { assembleLvs } from './lvm.ts';
import { findPvLabel, readPvLabel } from './lvm-label.ts';
import { allInOrder } from './all-in-order.ts';

/** Something that may hold a filesystem: the whole disk, a partition, or a logical volume. */
export interface Volume {
  readonly label: string;
  readonly device: BlockDevice;
  readonly partition?: PartitionEntry;
  readonly lv?: { readonly vg: string; readonly name: string };
}

/** True when a filesystem we read starts at byte 0 of the device (no partition table). */
async function looksLikeFilesystem(dev: BlockDevice): Promise<boolean> {
  if (dev.size < 2048) return false;
  const head = await dev.read(0, 2048);
  return head.toString('latin1', 0, 4) === 'XFSB' || head.readUInt16LE(1024 + 0x38) === 0xef53;
}

/**
 * Lists every volume of a disk: partitions (MBR, extended, GPT) and the LVs of LVM2 PVs on them.
 * The partitions are looked at all at once (`parallel`, the default): on a remote disk each costs a
 * round trip of its own, and a serial loop would pay them one after another.
 */
export async function findVolumes(
  disk: BlockDevice,
  options: { parallel?: boolean } = {},
): Promise<Volume[]> {
  const parallel = options.parallel ?? true;
  if (await looksLikeFilesystem(disk)) return [{ label: disk.label, device: disk }];
  const containers: Volume[] = [];
  if (await findPvLabel(disk)) {
    containers.push({ label: disk.label, device: disk });
  } else {
    if (disk.size < 512) throw new AmwError('AMW_DISK_BAD_MBR', `${disk.label}: too small to hold a disk`);
    const sector0 = await disk.read(0, 512);
    let parts: PartitionEntry[];
    if (!hasMbrSignature(sector0)) {
      // A GPT disk whose protective MBR was wiped is still readable; anything else is not a disk we know.
      try {
        parts = await readGpt(disk);
      } catch {
        throw new AmwError('AMW_DISK_BAD_MBR', `${disk.label}: no partition table and no known filesystem`);
      }
    } else {
      parts = await readMbr(disk, sector0);
      if (parts.some((p) => p.type === MBR_PROTECTIVE.toString(16))) parts = await readGpt(disk);
    }
    for (const p of parts) {
      const label = `${disk.label}#p${p.number}`;
      containers.push({ label, device: new SliceDevice(label, disk, p.start, p.size), partition: p });
    }
  }
  const out: Volume[] = [];
  const pvs: PhysicalVolume[] = [];
  const labels = await allInOrder(
    containers.map((c) => async () => {
      const found = await findPvLabel(c.device);
      return found
        ? { ...(await readPvLabel(c.device, found.at, found.sector)), device: c.device }
        : undefined;
    }),
    parallel,
  );
  containers.forEach((c, i) => {
    const pv = labels[i];
    if (pv) pvs.push(pv);
    else out.push(c);
  });
  for (const lv of assembleLvs(pvs)) {
    out.push({ label: lv.device.label, device: lv.device, lv: { vg: lv.vg, name: lv.name } });
  }
  return out;
}
