/**
 * Encodes an XFS v5 data fork for a list of extents: in the inode when they fit, otherwise a
 * B+tree (root in the inode, long-format "BMA3" blocks below it) of as many levels as needed.
 * Block CRCs are left at zero: the caller has `xfs_db -x` recompute them (`crc -r`).
 */

export interface BmbtRecord {
  readonly startoff: number;
  readonly startblock: number;
  readonly count: number;
  readonly unwritten: boolean;
}

export interface BmbtBlock {
  readonly fsb: number;
  readonly data: Buffer;
}

export interface DataFork {
  /** The inode's literal area (the whole of it: no attribute fork). */
  readonly fork: Buffer;
  readonly format: 'extents' | 'btree';
  /** Levels below the root; 0 for an extent list. */
  readonly levels: number;
  readonly blocks: readonly BmbtBlock[];
}

export const INODE_SIZE = 512;
export const INODE_CORE = 176;
/** The whole literal area, when the inode has no attribute fork. */
export const FULL_FORK = INODE_SIZE - INODE_CORE;
const inInodeMax = (fork: number): number => Math.floor(fork / 16);
/** Root keys and pointers share the fork; pointers start after room for this many keys. */
const rootMax = (fork: number): number => Math.floor((fork - 4) / 16);
const HEADER = 72;
const NULL_FSB = 0xffffffffffffffffn;

/** One 128-bit record: flag(1) startoff(54) startblock(52) blockcount(21), big-endian. */
export function packExtent(b: Buffer, at: number, r: BmbtRecord): void {
  const sb = BigInt(r.startblock);
  const hi = (r.unwritten ? 1n << 63n : 0n) | (BigInt(r.startoff) << 9n) | (sb >> 43n);
  const lo = ((sb & ((1n << 43n) - 1n)) << 21n) | BigInt(r.count);
  b.writeBigUInt64BE(hi, at);
  b.writeBigUInt64BE(lo, at + 8);
}

/** Blocks per level below the root, leaves first; empty when the extents fit in the inode. */
export function bmbtShape(extents: number, blockSize: number, forkSize = FULL_FORK): number[] {
  if (extents <= inInodeMax(forkSize)) return [];
  const max = Math.floor((blockSize - HEADER) / 16);
  const shape: number[] = [];
  let count = extents;
  do {
    const blocks = Math.ceil(count / max);
    // Blocks below the root must be at least half full, or xfs_repair rejects the tree.
    if (blocks > 1 && Math.floor(count / blocks) < Math.floor(max / 2)) {
      throw new Error(`${count} entries cannot fill ${blocks} blocks of ${max} by half`);
    }
    shape.push(blocks);
    count = blocks;
  } while (count > rootMax(forkSize));
  return shape;
}

interface Entry {
  key: number;
  rec?: BmbtRecord;
  ptr?: number;
}

/**
 * The fork and tree blocks for `records` (in file order). Tree blocks take the filesystem blocks
 * in `free` in order (leaves first); `daddrOf` gives a block's 512-byte sector, which each block
 * records about itself.
 */
export function buildDataFork(
  records: readonly BmbtRecord[],
  o: {
    blockSize: number;
    free: readonly number[];
    ino: number;
    uuid: string;
    daddrOf: (fsb: number) => number;
    /** Bytes of the literal area before the attribute fork. */
    forkSize?: number;
  },
): DataFork {
  const forkSize = o.forkSize ?? FULL_FORK;
  const fork = Buffer.alloc(forkSize);
  const shape = bmbtShape(records.length, o.blockSize, forkSize);
  if (shape.length === 0) {
    records.forEach((r, i) => packExtent(fork, i * 16, r));
    return { fork, format: 'extents', levels: 0, blocks: [] };
  }
  const max = Math.floor((o.blockSize - HEADER) / 16);
  const uuid = Buffer.from(o.uuid.replace(/-/g, ''), 'hex');
  const blocks: BmbtBlock[] = [];
  let next = 0;
  let entries: Entry[] = records.map((rec) => ({ key: rec.startoff, rec }));
  for (const [level, count] of shape.entries()) {
    const fsbs = o.free.slice(next, next + count);
    if (fsbs.length !== count) throw new Error('not enough blocks reserved for the tree');
    next += count;
    const up: Entry[] = [];
    for (let j = 0; j < count; j++) {
      const mine = entries.slice(
        Math.floor((j * entries.length) / count),
        Math.floor(((j + 1) * entries.length) / count),
      );
      const b = Buffer.alloc(o.blockSize);
      b.writeUInt32BE(0x424d4133, 0); // "BMA3"
      b.writeUInt16BE(level, 4);
      b.writeUInt16BE(mine.length, 6);
      b.writeBigUInt64BE(j > 0 ? BigInt(fsbs[j - 1]!) : NULL_FSB, 8);
      b.writeBigUInt64BE(j < count - 1 ? BigInt(fsbs[j + 1]!) : NULL_FSB, 16);
      b.writeBigUInt64BE(BigInt(o.daddrOf(fsbs[j]!)), 24);
      uuid.copy(b, 40);
      b.writeBigUInt64BE(BigInt(o.ino), 56);
      mine.forEach((e, i) => {
        if (e.rec) packExtent(b, HEADER + i * 16, e.rec);
        else {
          b.writeBigUInt64BE(BigInt(e.key), HEADER + i * 8);
          b.writeBigUInt64BE(BigInt(e.ptr!), HEADER + max * 8 + i * 8);
        }
      });
      blocks.push({ fsb: fsbs[j]!, data: b });
      up.push({ key: mine[0]!.key, ptr: fsbs[j]! });
    }
    entries = up;
  }
  fork.writeUInt16BE(shape.length, 0);
  fork.writeUInt16BE(entries.length, 2);
  entries.forEach((e, i) => {
    fork.writeBigUInt64BE(BigInt(e.key), 4 + i * 8);
    fork.writeBigUInt64BE(BigInt(e.ptr!), 4 + rootMax(forkSize) * 8 + i * 8);
  });
  return { fork, format: 'btree', levels: shape.length, blocks };
}
