import type { BlockDevice } from '../disk/block-device.ts';
import type { InodeFs } from './inode-fs.ts';
import { Ext4Fs } from './ext4/ext4-fs.ts';
import { XfsFs } from './xfs/xfs-fs.ts';

export type FsKind = 'ext4' | 'xfs';

/** Which filesystem (that we read) starts at byte 0 of `dev`, by its magic number. */
export async function detectFs(dev: BlockDevice): Promise<FsKind | undefined> {
  if (dev.size < 2048) return undefined;
  const head = await dev.read(0, 2048);
  if (head.toString('latin1', 0, 4) === 'XFSB') return 'xfs';
  if (head.readUInt16LE(1024 + 0x38) === 0xef53) return 'ext4';
  return undefined;
}

/** Opens the filesystem on `dev`, or undefined when it holds none we read (swap, FAT, empty). */
export async function openFs(dev: BlockDevice, label = dev.label): Promise<InodeFs | undefined> {
  const kind = await detectFs(dev);
  if (kind === 'ext4') return Ext4Fs.open(dev, label);
  if (kind === 'xfs') return XfsFs.open(dev, label);
  return undefined;
}
