import type { BmapContext } from './bmap.ts';
import { xfsRuns } from './bmap.ts';
import type { InodeChunkRecord } from './inobt.ts';
import { INODES_PER_CHUNK, allocatedSpans, chunkInUse, readInodeChunks } from './inobt.ts';
import { FORMAT_BTREE, FORMAT_EXTENTS, parseXfsInode } from './inode.ts';
import type { XfsSuper } from './superblock.ts';

export interface ReadAheadContext {
  readonly label: string;
  readonly sb: XfsSuper;
  readonly bmap: BmapContext;
  /** Directory data lives below this byte offset of a directory (leaf and free blocks above). */
  readonly dirLeafOffset: number;
  read(offset: number, length: number): Promise<Buffer>;
}

interface Range {
  at: number;
  length: number;
  /** Absolute number of the inode at `at`. */
  firstIno: number;
}

const READ_CHUNK = 1024 * 1024;
/**
 * AGs read ahead at most (mkfs gives a 64 TiB volume 64; a filesystem grown far beyond its first
 * AG size has more, and those past this cap are simply walked by lookups).
 */
const MAX_AGS = 4096;
/** Directories with more data than this are left to the real listing (a hint must stay cheap). */
const MAX_HINT_DIR_BYTES = 1024 * 1024;
/** Directories whose map B+tree is read for the hint, at most (each costs a few block reads). */
const MAX_HINT_BTREE_DIRS = 256;
const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;

/**
 * Reads ahead, for a walk that is about to stat every inode, the in-use inode chunks of every AG
 * (found in the AGIs and inode B+trees, all AGs at once) and the data blocks of the directories in
 * them (their extent lists, or the map B+tree of a big one, say where). At most
 * `maxBytes` of chunks and directory blocks; reads of up to 1 MiB, all issued together, so the
 * device below spreads them over its own concurrency. Returns the bytes asked for. Never trusts
 * what it reads: a bad record or inode is skipped, and errors reject only the hint (callers ignore
 * them); the real reads parse and check everything again.
 */
export async function readAheadInodes(ctx: ReadAheadContext, maxBytes: number): Promise<number> {
  const sb = ctx.sb;
  const chunkBytes = INODES_PER_CHUNK * sb.inodeSize;
  // Each in-use record costs at least one group of four inodes: more records than that cannot fit.
  const maxRecords = Math.max(1, Math.ceil(maxBytes / (4 * sb.inodeSize)));
  const budget = { left: maxRecords };
  // Only AGs that start inside the filesystem, and never more than a real one has: a corrupt AG
  // count must not turn into millions of reads.
  const ags = Math.min(sb.agCount, Math.ceil(sb.dblocks / sb.agBlocks), MAX_AGS);
  const perAg = await Promise.all(
    Array.from({ length: ags }, (_, agno) =>
      readInodeChunks(ctx, agno, budget).catch(() => [] as InodeChunkRecord[]),
    ),
  );
  const ranges: Range[] = [];
  let total = 0;
  for (const records of perAg) {
    for (const rec of records) {
      if (total >= maxBytes) break;
      if (!chunkInUse(rec)) continue;
      const base = chunkAddress(ctx, rec.agno, rec.startAgino, chunkBytes);
      if (base === undefined) continue;
      for (const [from, end] of allocatedSpans(rec)) {
        const length = Math.min((end - from) * sb.inodeSize, maxBytes - total);
        if (length <= 0) break;
        const firstIno = agInoBase(sb, rec.agno) + rec.startAgino + from;
        addRange(ranges, { at: base + from * sb.inodeSize, length, firstIno }, sb.inodeSize);
        total += length;
      }
    }
  }
  let dirBytes = 0;
  const btree = { left: MAX_HINT_BTREE_DIRS };
  const dirReads: Promise<unknown>[] = [];
  const readDirs = async (buf: Buffer, r: Range): Promise<void> => {
    for (let off = 0; off + sb.inodeSize <= buf.length; off += sb.inodeSize) {
      const raw = buf.subarray(off, off + sb.inodeSize);
      for (const d of await directoryRuns(ctx, raw, r.firstIno + off / sb.inodeSize, btree)) {
        if (total + dirBytes + d.length > maxBytes) return;
        dirBytes += d.length;
        dirReads.push(ctx.read(d.at, d.length).catch(() => undefined));
      }
    }
  };
  // A failed read only loses its part of the hint; the real read will report it.
  await Promise.all(
    ranges.map((r) =>
      ctx
        .read(r.at, r.length)
        .then((buf) => readDirs(buf, r))
        .catch(() => undefined),
    ),
  );
  await Promise.all(dirReads);
  return total + dirBytes;
}

const agInoBase = (sb: XfsSuper, agno: number): number => agno * 2 ** (sb.agBlkLog + sb.inopbLog);

/** Byte address of a whole chunk, or undefined when it would leave its AG or the filesystem. */
function chunkAddress(
  ctx: ReadAheadContext,
  agno: number,
  startAgino: number,
  chunkBytes: number,
): number | undefined {
  const sb = ctx.sb;
  if (startAgino % INODES_PER_CHUNK !== 0 || startAgino >= 2 ** (sb.agBlkLog + sb.inopbLog)) return undefined;
  const agbno = Math.floor(startAgino / 2 ** sb.inopbLog);
  const inAg = agbno * sb.blockSize + (startAgino % 2 ** sb.inopbLog) * sb.inodeSize;
  const agBytes = Math.min(sb.agBlocks, sb.dblocks - agno * sb.agBlocks) * sb.blockSize;
  if (agbno === 0 || inAg + chunkBytes > agBytes) return undefined;
  return agno * sb.agBlocks * sb.blockSize + inAg;
}

/** Appends a range, merged with the previous one when it continues it on disk and in inode numbers. */
function addRange(ranges: Range[], r: Range, inodeSize: number): void {
  const last = ranges[ranges.length - 1];
  if (
    last &&
    last.at + last.length === r.at &&
    last.firstIno + last.length / inodeSize === r.firstIno &&
    last.length + r.length <= READ_CHUNK
  ) {
    last.length += r.length;
    return;
  }
  ranges.push({ ...r });
}

/** The data ranges an in-use directory inode maps (extent list or one-level map B+tree); none for the rest. */
async function directoryRuns(
  ctx: ReadAheadContext,
  raw: Buffer,
  ino: number,
  btree: { left: number },
): Promise<{ at: number; length: number }[]> {
  if (raw.readUInt16BE(0) !== 0x494e || (raw.readUInt16BE(2) & S_IFMT) !== S_IFDIR) return [];
  if (raw[5] !== FORMAT_EXTENTS && raw[5] !== FORMAT_BTREE) return [];
  try {
    const inode = parseXfsInode(raw, ino, ctx.sb, ctx.label);
    // A map B+tree of one level below its root costs a bounded handful of reads; deeper ones
    // (directories of millions of entries) are left to the real listing.
    if (inode.format === FORMAT_BTREE) {
      if (btree.left <= 0 || inode.fork.length < 2 || inode.fork.readUInt16BE(0) > 1) return [];
      btree.left--;
    }
    // An extent-list inode holds its map itself; a B+tree-mapped one (a big directory) has its
    // map blocks read here, through the same device, so the real listing finds them cached.
    const runs = await xfsRuns(ctx.bmap, inode, ctx.dirLeafOffset / ctx.sb.blockSize);
    const out: { at: number; length: number }[] = [];
    let bytes = 0;
    for (const r of runs) {
      if (r.zero || r.fileOffset >= ctx.dirLeafOffset) continue;
      const length = Math.min(r.length, ctx.dirLeafOffset - r.fileOffset);
      bytes += length;
      if (bytes > MAX_HINT_DIR_BYTES) return [];
      out.push({ at: r.devOffset, length });
    }
    return out;
  } catch {
    return [];
  }
}
