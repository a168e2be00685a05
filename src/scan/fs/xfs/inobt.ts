import type { XfsSuper } from './superblock.ts';

/** One inode B+tree leaf record: a chunk of 64 inodes, which of them exist and which are free. */
export interface InodeChunkRecord {
  readonly agno: number;
  /** AG-relative number of the chunk's first inode. */
  readonly startAgino: number;
  /** Bit i set: inodes 4i..4i+3 of the chunk are not allocated (sparse inode chunks only). */
  readonly holemask: number;
  /** Bit i set: inode i of the chunk is free. */
  readonly free: bigint;
}

export interface InobtContext {
  readonly sb: XfsSuper;
  read(offset: number, length: number): Promise<Buffer>;
}

export const INODES_PER_CHUNK = 64;
const XAGI = 0x58414749;
const IAB3 = 0x49414233;
const SHORT_BLOCK_HEADER = 56;
const MAX_LEVELS = 9;
/** Node blocks read per AG at most: a looping or absurdly wide tree stops here. */
const MAX_NODES_PER_AG = 4096;

/** Records still to be taken, shared by the walks of all AGs (memory stays bounded whatever the AG count). */
export interface RecordBudget {
  left: number;
}

/**
 * The inode chunk records of one AG, read from the AGI and the inode B+tree one level at a time
 * (all blocks of a level at once). Stops when `budget` runs out. A read-ahead hint only: any block
 * that does not look right ends the walk of that subtree quietly, and a failed read rejects (the
 * caller ignores it); the real inode reads check everything again.
 */
export async function readInodeChunks(
  ctx: InobtContext,
  agno: number,
  budget: RecordBudget,
): Promise<InodeChunkRecord[]> {
  const sb = ctx.sb;
  const agStart = agno * sb.agBlocks * sb.blockSize;
  const agi = await ctx.read(agStart + 2 * sb.sectorSize, Math.min(sb.sectorSize, 512));
  if (agi.readUInt32BE(0) !== XAGI || agi.readUInt32BE(8) !== agno) return [];
  const root = agi.readUInt32BE(20);
  const levels = agi.readUInt32BE(24);
  if (levels < 1 || levels > MAX_LEVELS) return [];
  const blockOf = (agbno: number): number | undefined =>
    agbno > 0 && agbno < sb.agBlocks && agno * sb.agBlocks + agbno < sb.dblocks
      ? agStart + agbno * sb.blockSize
      : undefined;
  const bs = sb.blockSize;
  const nodeMax = Math.floor((bs - SHORT_BLOCK_HEADER) / 8);
  const leafMax = Math.floor((bs - SHORT_BLOCK_HEADER) / 16);
  const out: InodeChunkRecord[] = [];
  const seen = new Set<number>();
  let level = [root];
  for (let depth = levels - 1; depth >= 0 && level.length > 0; depth--) {
    const addrs: number[] = [];
    for (const agbno of level) {
      const at = blockOf(agbno);
      if (at === undefined || seen.has(agbno)) continue;
      if (seen.size >= MAX_NODES_PER_AG) break;
      seen.add(agbno);
      addrs.push(at);
    }
    const blocks = await Promise.all(addrs.map((at) => ctx.read(at, bs)));
    const next: number[] = [];
    for (const b of blocks) {
      if (b.readUInt32BE(0) !== IAB3 || b.readUInt16BE(4) !== depth) continue;
      const numrecs = b.readUInt16BE(6);
      if (depth > 0) {
        if (numrecs > nodeMax) continue;
        const ptrs = SHORT_BLOCK_HEADER + nodeMax * 4;
        for (let i = 0; i < numrecs; i++) next.push(b.readUInt32BE(ptrs + i * 4));
        continue;
      }
      if (numrecs > leafMax) continue;
      for (let i = 0; i < numrecs && budget.left > 0; i++, budget.left--) {
        const r = SHORT_BLOCK_HEADER + i * 16;
        out.push({
          agno,
          startAgino: b.readUInt32BE(r),
          holemask: sb.sparseInodes ? b.readUInt16BE(r + 4) : 0,
          free: b.readBigUInt64BE(r + 8),
        });
      }
    }
    level = next;
  }
  return out;
}

/** True when some inode of the chunk is allocated and in use. */
export function chunkInUse(rec: InodeChunkRecord): boolean {
  for (let i = 0; i < INODES_PER_CHUNK; i++) {
    if (rec.holemask & (1 << (i >> 2))) continue;
    if (!(rec.free & (1n << BigInt(i)))) return true;
  }
  return false;
}

/**
 * The allocated inode slots of a chunk as [first, end) index pairs (whole chunk when not sparse),
 * so holes in sparse chunks, which may hold other data or nothing, are not read.
 */
export function allocatedSpans(rec: InodeChunkRecord): [number, number][] {
  const spans: [number, number][] = [];
  for (let g = 0; g < 16; g++) {
    if (rec.holemask & (1 << g)) continue;
    const last = spans[spans.length - 1];
    if (last && last[1] === g * 4) last[1] = g * 4 + 4;
    else spans.push([g * 4, g * 4 + 4]);
  }
  return spans;
}
