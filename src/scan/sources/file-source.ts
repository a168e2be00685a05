import type { ReadStats } from '../disk/block-device.ts';
import { CountingDevice, FileBlockDevice } from '../disk/block-device.ts';
import { CachedDevice } from '../disk/block-cache.ts';
import type { AssembledImage } from '../fs/assemble.ts';
import { assembleImage } from '../fs/assemble.ts';
import type { Vfs } from '../vfs/vfs.ts';

export interface FileSource {
  readonly vfs: Vfs;
  readonly image: AssembledImage;
  /** What was really read from the file (below the cache). */
  readonly stats: ReadStats;
  readonly size: number;
  close(): Promise<void>;
}

/**
 * `file:disk.img`: a raw disk image (partitioned, LVM, or a bare filesystem) read without
 * mounting. The root is found by content and the fstab places /var, /home, /boot.
 */
export async function openFileSource(spec: string): Promise<FileSource> {
  const path = spec.startsWith('file:') ? spec.slice('file:'.length) : spec;
  const file = await FileBlockDevice.open(path);
  const counting = new CountingDevice(file);
  const cached = new CachedDevice(counting, { blockSize: 16 * 1024, maxBlocks: 4096 });
  try {
    const image = await assembleImage(cached);
    return {
      vfs: image.vfs,
      image,
      stats: counting.stats,
      size: file.size,
      close: () => cached.close(),
    };
  } catch (err) {
    await cached.close();
    throw err;
  }
}
