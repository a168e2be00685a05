import { FLAG_EXTENTS, FLAG_INLINE_DATA } from './inode.ts';

export interface ByteRange {
  readonly at: number;
  readonly length: number;
}

/** Directories bigger than this are left to the real read (a hint must stay cheap). */
const MAX_HINT_DIR_BLOCKS = 256;

/**
 * Where the blocks of the directories in a slice of an inode table lie, as far as the inodes
 * themselves say (direct block pointers, or an extent tree of depth 0). Only a read-ahead hint:
 * anything odd is skipped, never trusted; the real listing parses and checks everything again.
 */
export function directoryRanges(
  table: Buffer,
  inodeSize: number,
  blockSize: number,
  blocksCount: number,
): ByteRange[] {
  const out: ByteRange[] = [];
  const add = (start: number, count: number): void => {
    if (start > 0 && count > 0 && start + count <= blocksCount) {
      out.push({ at: start * blockSize, length: count * blockSize });
    }
  };
  for (let off = 0; off + inodeSize <= table.length; off += inodeSize) {
    const mode = table.readUInt16LE(off);
    // A directory in use: type bits, links, no deletion time.
    if ((mode & 0o170000) !== 0o040000) continue;
    if (table.readUInt16LE(off + 0x1a) === 0 || table.readUInt32LE(off + 0x14) !== 0) continue;
    const flags = table.readUInt32LE(off + 0x20);
    if (flags & FLAG_INLINE_DATA) continue;
    const size = table.readUInt32LE(off + 0x04);
    const blocks = Math.min(Math.ceil(size / blockSize), MAX_HINT_DIR_BLOCKS);
    const iBlock = off + 0x28;
    if (!(flags & FLAG_EXTENTS)) {
      for (let i = 0; i < Math.min(12, blocks); i++) add(table.readUInt32LE(iBlock + i * 4), 1);
      continue;
    }
    if (table.readUInt16LE(iBlock) !== 0xf30a || table.readUInt16LE(iBlock + 6) !== 0) continue;
    const entries = Math.min(table.readUInt16LE(iBlock + 2), 4);
    let left = blocks;
    for (let i = 0; i < entries && left > 0; i++) {
      const e = iBlock + 12 + i * 12;
      let len = table.readUInt16LE(e + 4);
      if (len > 32768) continue; // unwritten: reads as zeros, nothing to fetch
      len = Math.min(len, left);
      add(table.readUInt16LE(e + 6) * 2 ** 32 + table.readUInt32LE(e + 8), len);
      left -= len;
    }
  }
  return out;
}
