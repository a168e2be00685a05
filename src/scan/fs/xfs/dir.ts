import type { InodeDirEntry } from '../inode-fs.ts';
import { MAX_DIR_ENTRIES, fileTypeFromDirCode } from '../inode-fs.ts';
import { corrupt } from '../fs-util.ts';

export interface XfsDirContext {
  readonly label: string;
  readonly ino: number;
  readonly hasFtype: boolean;
  readonly checkIno: (ino: number) => void;
}

const XDB3 = 0x58444233;
const XDD3 = 0x58444433;
const DATA_HEADER = 64;

function push(ctx: XfsDirContext, out: InodeDirEntry[], entry: InodeDirEntry): void {
  if (out.length >= MAX_DIR_ENTRIES) throw corrupt(ctx.label, `directory inode ${ctx.ino} is too large`);
  if (entry.name === '.' || entry.name === '..') return;
  ctx.checkIno(entry.ino);
  out.push(entry);
}

/** A short-form directory, kept inside the inode's data fork. */
export function parseShortDir(ctx: XfsDirContext, fork: Buffer, size: number, out: InodeDirEntry[]): void {
  if (size < 6 || size > fork.length)
    throw corrupt(ctx.label, `directory inode ${ctx.ino}: short-form size ${size}`);
  const b = fork.subarray(0, size);
  const count = b[0]!;
  const wide = b[1]! > 0;
  const inoLen = wide ? 8 : 4;
  let pos = 2 + inoLen;
  for (let i = 0; i < count; i++) {
    if (pos + 3 > b.length)
      throw corrupt(ctx.label, `directory inode ${ctx.ino}: short-form entries overrun`);
    const nameLen = b[pos]!;
    const nameAt = pos + 3;
    const ftypeAt = nameAt + nameLen;
    const inoAt = ftypeAt + (ctx.hasFtype ? 1 : 0);
    if (nameLen === 0 || inoAt + inoLen > b.length) {
      throw corrupt(ctx.label, `directory inode ${ctx.ino}: short-form entry ${i} overruns`);
    }
    const ino = wide ? Number(b.readBigUInt64BE(inoAt)) : b.readUInt32BE(inoAt);
    push(ctx, out, {
      name: b.toString('utf8', nameAt, nameAt + nameLen),
      ino,
      type: ctx.hasFtype ? fileTypeFromDirCode(b[ftypeAt]!) : 'unknown',
    });
    pos = inoAt + inoLen;
  }
}

/** One directory data block (single-block "XDB3" or multi-block "XDD3" format). */
export function parseDataBlock(ctx: XfsDirContext, b: Buffer, out: InodeDirEntry[]): void {
  const magic = b.readUInt32BE(0);
  let end = b.length;
  if (magic === XDB3) {
    const leafCount = b.readUInt32BE(b.length - 8);
    end = b.length - 8 - leafCount * 8;
    if (end < DATA_HEADER) throw corrupt(ctx.label, `directory inode ${ctx.ino}: ${leafCount} leaf entries`);
  } else if (magic !== XDD3) {
    throw corrupt(ctx.label, `directory inode ${ctx.ino}: data block has magic 0x${magic.toString(16)}`);
  }
  let pos = DATA_HEADER;
  while (pos + 8 <= end) {
    if (b.readUInt16BE(pos) === 0xffff) {
      const len = b.readUInt16BE(pos + 2);
      if (len < 8 || len % 8 !== 0 || pos + len > end) {
        throw corrupt(ctx.label, `directory inode ${ctx.ino}: free space of ${len} bytes at ${pos}`);
      }
      pos += len;
      continue;
    }
    const nameLen = b[pos + 8]!;
    const len = (8 + 1 + nameLen + (ctx.hasFtype ? 1 : 0) + 2 + 7) & ~7;
    if (nameLen === 0 || pos + len > end) {
      throw corrupt(ctx.label, `directory inode ${ctx.ino}: entry at ${pos} overruns its block`);
    }
    push(ctx, out, {
      name: b.toString('utf8', pos + 9, pos + 9 + nameLen),
      ino: Number(b.readBigUInt64BE(pos)),
      type: ctx.hasFtype ? fileTypeFromDirCode(b[pos + 9 + nameLen]!) : 'unknown',
    });
    pos += len;
  }
}
