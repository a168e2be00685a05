import type { Run } from '../fs-util.ts';
import { corrupt } from '../fs-util.ts';
import type { XfsInode } from './inode.ts';
import { FORMAT_BTREE, FORMAT_EXTENTS } from './inode.ts';

export interface BmapContext {
  readonly label: string;
  readonly blockSize: number;
  /** Byte address of a filesystem block number (AG number in the high bits); throws when outside. */
  fsbToByte(fsb: number, count: number): number;
  readBlock(fsb: number): Promise<Buffer>;
}

const BMA3_MAGIC = 0x424d4133;
const LONG_BLOCK_HEADER = 72;
const MAX_LEVELS = 10;
const MAX_NODES = 100_000;
const MASK_21 = (1n << 21n) - 1n;
const MASK_63 = (1n << 63n) - 1n;

/** Decodes one packed 128-bit extent record into a run. */
function decodeExtent(ctx: BmapContext, ino: number, b: Buffer, at: number): Run & { startoff: number } {
  const hi = b.readBigUInt64BE(at);
  const lo = b.readBigUInt64BE(at + 8);
  const startoff = Number((hi & MASK_63) >> 9n);
  const startblock = Number(((hi & 0x1ffn) << 43n) | (lo >> 21n));
  const count = Number(lo & MASK_21);
  if (count === 0 || !Number.isSafeInteger(startoff * ctx.blockSize)) {
    throw corrupt(ctx.label, `inode ${ino}: extent at offset ${startoff} of ${count} blocks is invalid`);
  }
  return {
    startoff,
    fileOffset: startoff * ctx.blockSize,
    devOffset: ctx.fsbToByte(startblock, count),
    length: count * ctx.blockSize,
    zero: hi >> 63n === 1n,
  };
}

/** The data-fork extents of an extent-list or B+tree inode that start below block `endFsb`. */
export async function xfsRuns(ctx: BmapContext, inode: XfsInode, endFsb: number): Promise<Run[]> {
  const { fork, ino } = inode;
  const runs: Run[] = [];
  if (inode.format === FORMAT_EXTENTS) {
    if (inode.nextents * 16 > fork.length) {
      throw corrupt(ctx.label, `inode ${ino}: ${inode.nextents} extents do not fit the inode`);
    }
    for (let i = 0; i < inode.nextents; i++) {
      const r = decodeExtent(ctx, ino, fork, i * 16);
      if (r.startoff >= endFsb) break;
      runs.push(r);
    }
    return runs;
  }
  if (inode.format !== FORMAT_BTREE)
    throw corrupt(ctx.label, `inode ${ino}: data fork format ${inode.format}`);
  if (fork.length < 4) throw corrupt(ctx.label, `inode ${ino}: B+tree root does not fit`);
  const level = fork.readUInt16BE(0);
  const numrecs = fork.readUInt16BE(2);
  const rootMax = Math.floor((fork.length - 4) / 16);
  if (level < 1 || level > MAX_LEVELS || numrecs > rootMax || numrecs === 0) {
    throw corrupt(ctx.label, `inode ${ino}: B+tree root level ${level} with ${numrecs} records`);
  }
  let nodes = 0;
  const blockMax = Math.floor((ctx.blockSize - LONG_BLOCK_HEADER) / 16);
  const visit = async (fsb: number, expectLevel: number): Promise<void> => {
    if (++nodes > MAX_NODES) throw corrupt(ctx.label, `inode ${ino}: extent B+tree too large`);
    const b = await ctx.readBlock(fsb);
    const lvl = b.readUInt16BE(4);
    const n = b.readUInt16BE(6);
    if (b.readUInt32BE(0) !== BMA3_MAGIC || lvl !== expectLevel || n > blockMax) {
      throw corrupt(ctx.label, `inode ${ino}: bad B+tree block ${fsb}`);
    }
    if (lvl === 0) {
      for (let i = 0; i < n; i++) {
        const r = decodeExtent(ctx, ino, b, LONG_BLOCK_HEADER + i * 16);
        if (r.startoff >= endFsb) return;
        runs.push(r);
      }
      return;
    }
    const keys = LONG_BLOCK_HEADER;
    const ptrs = LONG_BLOCK_HEADER + blockMax * 8;
    for (let i = 0; i < n; i++) {
      if (Number(b.readBigUInt64BE(keys + i * 8)) >= endFsb) return;
      await visit(Number(b.readBigUInt64BE(ptrs + i * 8)), lvl - 1);
    }
  };
  for (let i = 0; i < numrecs; i++) {
    if (Number(fork.readBigUInt64BE(4 + i * 8)) >= endFsb) break;
    await visit(Number(fork.readBigUInt64BE(4 + rootMax * 8 + i * 8)), level - 1);
  }
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.fileOffset < runs[i - 1]!.fileOffset + runs[i - 1]!.length) {
      throw corrupt(ctx.label, `inode ${ino}: extents overlap or are out of order`);
    }
  }
  return runs;
}
