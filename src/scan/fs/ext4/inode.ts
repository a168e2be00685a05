import type { VfsStat } from '../../vfs/vfs.ts';
import { fileTypeFromMode } from '../inode-fs.ts';
import { corrupt } from '../fs-util.ts';

export const FLAG_INDEX = 0x1000;
export const FLAG_EXTENTS = 0x80000;
export const FLAG_INLINE_DATA = 0x10000000;

export interface Ext4Inode {
  readonly ino: number;
  readonly stat: VfsStat;
  readonly flags: number;
  /** The 60-byte i_block area: extent root, block map, fast symlink or inline data. */
  readonly iBlock: Buffer;
  /** The whole on-disk inode, for in-inode extended attributes. */
  readonly raw: Buffer;
}

export function parseExt4Inode(raw: Buffer, ino: number, label: string): Ext4Inode {
  const mode = raw.readUInt16LE(0x00);
  if (mode === 0) throw corrupt(label, `inode ${ino} is not in use`);
  const uid = raw.readUInt16LE(0x02) | (raw.readUInt16LE(0x78) << 16);
  const gid = raw.readUInt16LE(0x18) | (raw.readUInt16LE(0x7a) << 16);
  const size = raw.readUInt32LE(0x04) + raw.readUInt32LE(0x6c) * 2 ** 32;
  if (!Number.isSafeInteger(size)) throw corrupt(label, `inode ${ino} size is out of range`);
  let seconds = raw.readInt32LE(0x10);
  let nanos = 0;
  const extra = raw.length > 128 ? raw.readUInt16LE(0x80) : 0;
  if (extra >= 12 && 128 + extra <= raw.length) {
    const mx = raw.readUInt32LE(0x88);
    seconds += (mx & 3) * 2 ** 32;
    nanos = mx >>> 2;
  }
  return {
    ino,
    flags: raw.readUInt32LE(0x20),
    iBlock: raw.subarray(0x28, 0x28 + 60),
    raw,
    stat: {
      type: fileTypeFromMode(mode),
      mode: mode & 0o7777,
      uid: uid >>> 0,
      gid: gid >>> 0,
      size,
      mtimeMs: seconds * 1000 + Math.floor(nanos / 1e6),
      nlink: raw.readUInt16LE(0x1a),
      ino,
    },
  };
}

/**
 * The value of the in-inode extended attribute system.data, which holds inline data beyond the
 * first 60 bytes. Absent means no more data.
 */
export function inlineDataXattr(inode: Ext4Inode, label: string): Buffer {
  const raw = inode.raw;
  if (raw.length <= 128) return Buffer.alloc(0);
  const extra = raw.readUInt16LE(0x80);
  const start = 128 + extra;
  if (extra % 4 !== 0 || start + 4 > raw.length) return Buffer.alloc(0);
  if (raw.readUInt32LE(start) !== 0xea020000) return Buffer.alloc(0);
  const base = start + 4;
  let pos = base;
  while (pos + 16 <= raw.length && raw.readUInt32LE(pos) !== 0) {
    const nameLen = raw[pos]!;
    const nameIndex = raw[pos + 1]!;
    const valueOffs = raw.readUInt16LE(pos + 2);
    const valueSize = raw.readUInt32LE(pos + 8);
    if (pos + 16 + nameLen > raw.length) throw corrupt(label, `inode ${inode.ino}: xattr entry overruns`);
    const name = raw.toString('latin1', pos + 16, pos + 16 + nameLen);
    if (nameIndex === 7 && name === 'data') {
      if (base + valueOffs + valueSize > raw.length) {
        throw corrupt(label, `inode ${inode.ino}: inline data xattr overruns the inode`);
      }
      return raw.subarray(base + valueOffs, base + valueOffs + valueSize);
    }
    pos += (16 + nameLen + 3) & ~3;
  }
  return Buffer.alloc(0);
}
