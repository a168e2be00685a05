import type { Run } from '../fs-util.ts';
import { corrupt } from '../fs-util.ts';

export interface MapContext {
  readonly label: string;
  readonly blockSize: number;
  readonly blocksCount: number;
  readBlock(block: number): Promise<Buffer>;
}

const MAX_TREE_NODES = 200_000;

/** Runs of an extent-mapped inode covering logical blocks below `endBlock`. */
export async function extentRuns(
  ctx: MapContext,
  ino: number,
  root: Buffer,
  endBlock: number,
): Promise<Run[]> {
  const runs: Run[] = [];
  let nodes = 0;
  const walk = async (node: Buffer, expectDepth: number | undefined): Promise<void> => {
    if (++nodes > MAX_TREE_NODES) throw corrupt(ctx.label, `inode ${ino}: extent tree too large`);
    if (node.readUInt16LE(0) !== 0xf30a) throw corrupt(ctx.label, `inode ${ino}: bad extent header magic`);
    const entries = node.readUInt16LE(2);
    const max = node.readUInt16LE(4);
    const depth = node.readUInt16LE(6);
    if (entries > max || 12 + max * 12 > node.length) {
      throw corrupt(ctx.label, `inode ${ino}: extent node claims ${entries}/${max} entries`);
    }
    if (depth > 5 || (expectDepth !== undefined && depth !== expectDepth)) {
      throw corrupt(ctx.label, `inode ${ino}: extent tree depth ${depth} is inconsistent`);
    }
    for (let i = 0; i < entries; i++) {
      const e = 12 + i * 12;
      const lblk = node.readUInt32LE(e);
      if (lblk >= endBlock) break;
      if (depth === 0) {
        let len = node.readUInt16LE(e + 4);
        const zero = len > 32768;
        if (zero) len -= 32768;
        const start = node.readUInt16LE(e + 6) * 2 ** 32 + node.readUInt32LE(e + 8);
        if (len === 0 || start + len > ctx.blocksCount) {
          throw corrupt(ctx.label, `inode ${ino}: extent ${start}+${len} lies outside the filesystem`);
        }
        runs.push({
          fileOffset: lblk * ctx.blockSize,
          devOffset: start * ctx.blockSize,
          length: len * ctx.blockSize,
          zero,
        });
      } else {
        const child = node.readUInt16LE(e + 8) * 2 ** 32 + node.readUInt32LE(e + 4);
        if (child === 0 || child >= ctx.blocksCount) {
          throw corrupt(ctx.label, `inode ${ino}: extent index points outside the filesystem`);
        }
        await walk(await ctx.readBlock(child), depth - 1);
      }
    }
  };
  await walk(root, undefined);
  return runs;
}

/** Runs of an ext2/3 inode mapped by direct and (double, triple) indirect blocks. */
export async function blockMapRuns(
  ctx: MapContext,
  ino: number,
  iBlock: Buffer,
  endBlock: number,
): Promise<Run[]> {
  const bs = ctx.blockSize;
  const perBlock = bs / 4;
  const blocks: { lblk: number; pblk: number }[] = [];
  const take = (lblk: number, pblk: number): void => {
    if (pblk === 0 || lblk >= endBlock) return;
    if (pblk >= ctx.blocksCount)
      throw corrupt(ctx.label, `inode ${ino}: block ${pblk} is outside the filesystem`);
    blocks.push({ lblk, pblk });
  };
  const indirect = async (pblk: number, level: number, firstLblk: number): Promise<void> => {
    if (pblk === 0 || firstLblk >= endBlock) return;
    if (pblk >= ctx.blocksCount) throw corrupt(ctx.label, `inode ${ino}: indirect block ${pblk} is outside`);
    const b = await ctx.readBlock(pblk);
    const span = perBlock ** (level - 1);
    for (let i = 0; i < perBlock; i++) {
      const lblk = firstLblk + i * span;
      if (lblk >= endBlock) break;
      const ptr = b.readUInt32LE(i * 4);
      if (level === 1) take(lblk, ptr);
      else await indirect(ptr, level - 1, lblk);
    }
  };
  for (let i = 0; i < 12; i++) take(i, iBlock.readUInt32LE(i * 4));
  await indirect(iBlock.readUInt32LE(48), 1, 12);
  await indirect(iBlock.readUInt32LE(52), 2, 12 + perBlock);
  await indirect(iBlock.readUInt32LE(56), 3, 12 + perBlock + perBlock * perBlock);
  const runs: Run[] = [];
  for (const { lblk, pblk } of blocks) {
    const prev = runs[runs.length - 1];
    if (prev && prev.fileOffset + prev.length === lblk * bs && prev.devOffset + prev.length === pblk * bs) {
      runs[runs.length - 1] = { ...prev, length: prev.length + bs };
    } else {
      runs.push({ fileOffset: lblk * bs, devOffset: pblk * bs, length: bs, zero: false });
    }
  }
  return runs;
}
