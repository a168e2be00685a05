import type { VfsStat } from '../../vfs/vfs.ts';
import { fileTypeFromMode } from '../inode-fs.ts';
import { corrupt, u64 } from '../fs-util.ts';
import type { XfsSuper } from './superblock.ts';

export const FORMAT_DEV = 0;
export const FORMAT_LOCAL = 1;
export const FORMAT_EXTENTS = 2;
export const FORMAT_BTREE = 3;
const CORE_SIZE = 176;
const FLAG2_BIGTIME = 0x8n;
const FLAG2_NREXT64 = 0x10n;

export interface XfsInode {
  readonly ino: number;
  readonly stat: VfsStat;
  readonly format: number;
  readonly nextents: number;
  /** The data fork: local data, an extent list, or the root of the extent B+tree. */
  readonly fork: Buffer;
}

/** Parses a v3 inode core and cuts out its data fork. */
export function parseXfsInode(raw: Buffer, ino: number, sb: XfsSuper, label: string): XfsInode {
  if (raw.readUInt16BE(0) !== 0x494e) throw corrupt(label, `inode ${ino}: bad magic`);
  if (raw[4] !== 3) throw corrupt(label, `inode ${ino}: version ${raw[4]} (v5 filesystems use 3)`);
  const mode = raw.readUInt16BE(2);
  if (mode === 0) throw corrupt(label, `inode ${ino} is not in use`);
  if (raw.readBigUInt64BE(152) !== BigInt(ino)) throw corrupt(label, `inode ${ino}: records another number`);
  const format = raw[5]!;
  const sizeBig = raw.readBigInt64BE(56);
  if (sizeBig < 0n) throw corrupt(label, `inode ${ino}: negative size`);
  const size = u64(sizeBig, label, `inode ${ino} size`);
  const flags2 = raw.readBigUInt64BE(120);
  let mtimeMs: number;
  if (flags2 & FLAG2_BIGTIME) {
    const ns = raw.readBigUInt64BE(40);
    mtimeMs = Number(ns / 1_000_000n) - 2 ** 31 * 1000;
  } else {
    mtimeMs = raw.readInt32BE(40) * 1000 + Math.floor(raw.readUInt32BE(44) / 1e6);
  }
  // The feature allows 64-bit counts; each inode says whether it uses them (older inodes on an
  // upgraded filesystem keep the 32-bit field).
  const nextents =
    sb.nrext64 && flags2 & FLAG2_NREXT64
      ? u64(raw.readBigUInt64BE(24), label, `inode ${ino} extent count`)
      : raw.readUInt32BE(76);
  const forkOff = raw[82]! * 8;
  if (forkOff > sb.inodeSize - CORE_SIZE)
    throw corrupt(label, `inode ${ino}: attribute fork offset ${forkOff}`);
  const forkEnd = forkOff ? CORE_SIZE + forkOff : sb.inodeSize;
  return {
    ino,
    format,
    nextents,
    fork: raw.subarray(CORE_SIZE, forkEnd),
    stat: {
      type: fileTypeFromMode(mode),
      mode: mode & 0o7777,
      uid: raw.readUInt32BE(8),
      gid: raw.readUInt32BE(12),
      size,
      mtimeMs,
      nlink: raw.readUInt32BE(16),
      ino,
    },
  };
}
