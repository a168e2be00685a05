import type { BlockDevice, ReadStats } from '../disk/block-device.ts';
import { CountingDevice, FileBlockDevice } from '../disk/block-device.ts';
import { CachedDevice } from '../disk/block-cache.ts';
import { QCOW2_MAGIC } from '../disk/qcow2-header.ts';
import { Qcow2Device } from '../disk/qcow2.ts';
import { VMDK_DESCRIPTOR_START, VMDK_MAGIC, refuseDescriptorFile } from '../disk/vmdk-header.ts';
import { VmdkDevice } from '../disk/vmdk.ts';
import type { AssembledImage } from '../fs/assemble.ts';
import { assembleImage } from '../fs/assemble.ts';
import type { Vfs } from '../vfs/vfs.ts';

export type DiskFileFormat = 'raw' | 'qcow2' | 'vmdk';

export interface FileSource {
  readonly vfs: Vfs;
  readonly image: AssembledImage;
  /** What was really read from the file (below the cache and the format's tables). */
  readonly stats: ReadStats;
  /** The virtual disk's size (for raw, the file's). */
  readonly size: number;
  readonly fileSize: number;
  readonly format: DiskFileFormat;
  /** `file:PATH`, with the format when it is not raw: `file:disk.qcow2 (qcow2)`. */
  readonly label: string;
  close(): Promise<void>;
}

/** The format by magic: qcow2 (`QFI\xfb`), VMDK sparse extent (`KDMV`), else raw. */
export async function detectDiskFormat(file: BlockDevice): Promise<DiskFileFormat> {
  if (file.size < 4) return 'raw';
  const head = await file.read(0, Math.min(file.size, 64));
  if (head.readUInt32BE(0) === QCOW2_MAGIC) return 'qcow2';
  if (head.readUInt32LE(0) === VMDK_MAGIC) return 'vmdk';
  if (head.toString('latin1').startsWith(VMDK_DESCRIPTOR_START)) {
    throw refuseDescriptorFile(file, (await file.read(0, Math.min(file.size, 64 * 1024))).toString('latin1'));
  }
  return 'raw';
}

/** The virtual disk a file holds: the file itself, or the disk inside a qcow2 or VMDK file. */
export async function openDiskFile(
  file: BlockDevice,
): Promise<{ disk: BlockDevice; format: DiskFileFormat }> {
  const format = await detectDiskFormat(file);
  if (format === 'qcow2') return { disk: await Qcow2Device.open(file), format };
  if (format === 'vmdk') return { disk: await VmdkDevice.open(file), format };
  return { disk: file, format };
}

/**
 * `file:disk.img`: a disk image (raw, qcow2 or monolithic VMDK; partitioned, LVM, or a bare
 * filesystem) read without mounting. The root is found by content and the fstab places /var,
 * /home, /boot.
 */
export async function openFileSource(spec: string): Promise<FileSource> {
  const path = spec.startsWith('file:') ? spec.slice('file:'.length) : spec;
  const file = await FileBlockDevice.open(path);
  const counting = new CountingDevice(file);
  let cached: CachedDevice | undefined;
  try {
    const { disk, format } = await openDiskFile(counting);
    cached = new CachedDevice(disk, { blockSize: 16 * 1024, maxBlocks: 4096 });
    // A local read costs microseconds: read-ahead would only walk the declared paths twice.
    const image = await assembleImage(cached, { prefetch: { enabled: false } });
    return {
      vfs: image.vfs,
      image,
      stats: counting.stats,
      size: disk.size,
      fileSize: file.size,
      format,
      label: disk.label,
      close: () => cached!.close(),
    };
  } catch (err) {
    await (cached ?? counting).close();
    throw err;
  }
}
