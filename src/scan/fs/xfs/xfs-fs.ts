import type { BlockDevice } from '../../disk/block-device.ts';
import type { VfsStat } from '../../vfs/vfs.ts';
import type { InodeDirEntry, InodeFs } from '../inode-fs.ts';
import { MAX_LINK_BYTES } from '../inode-fs.ts';
import type { Run } from '../fs-util.ts';
import { Lru, corrupt, readRuns } from '../fs-util.ts';
import type { XfsSuper } from './superblock.ts';
import { parseXfsSuper } from './superblock.ts';
import type { XfsInode } from './inode.ts';
import { FORMAT_LOCAL, parseXfsInode } from './inode.ts';
import type { BmapContext } from './bmap.ts';
import { xfsRuns } from './bmap.ts';
import type { XfsDirContext } from './dir.ts';
import { parseDataBlock, parseShortDir } from './dir.ts';
import { readAheadInodes } from './read-ahead.ts';

/** Directory data lives below this byte offset of the directory; leaf and free blocks above it. */
const DIR_LEAF_OFFSET = 32 * 1024 ** 3;
const MAX_DIR_BYTES = 256 * 1024 * 1024;
const DIR_READ_BATCH = 32;
const XSLM = 0x58534c4d;
const SYMLINK_HEADER = 56;

/** Read-only XFS v5 reader (512- and 4096-byte sectors alike: all addressing is in fs blocks). */
export class XfsFs implements InodeFs {
  readonly kind = 'xfs';
  readonly rootIno: number;
  readonly uuid: string;
  readonly volumeLabel: string;
  private readonly inodes = new Lru<number, XfsInode>(4096);
  private readonly bmap: BmapContext;

  private constructor(
    readonly label: string,
    private readonly dev: BlockDevice,
    readonly sb: XfsSuper,
  ) {
    this.rootIno = sb.rootIno;
    this.uuid = sb.uuid;
    this.volumeLabel = sb.volumeLabel;
    this.bmap = {
      label,
      blockSize: sb.blockSize,
      fsbToByte: (fsb, count) => this.fsbToByte(fsb, count),
      readBlock: (fsb) => this.dev.read(this.fsbToByte(fsb, 1), sb.blockSize),
    };
  }

  static async open(dev: BlockDevice, label = dev.label): Promise<XfsFs> {
    if (dev.size < 512) throw corrupt(label, 'too small for an XFS superblock');
    const sb = parseXfsSuper(await dev.read(0, 512), label, dev.size);
    const fs = new XfsFs(label, dev, sb);
    const root = await fs.inode(sb.rootIno);
    if (root.stat.type !== 'dir') throw corrupt(label, 'root inode is not a directory');
    return fs;
  }

  async stat(ino: number): Promise<VfsStat> {
    return (await this.inode(ino)).stat;
  }

  async listDir(ino: number): Promise<InodeDirEntry[]> {
    const inode = await this.inode(ino);
    if (inode.stat.type !== 'dir') throw corrupt(this.label, `inode ${ino} is not a directory`);
    const ctx: XfsDirContext = {
      label: this.label,
      ino,
      hasFtype: this.sb.hasFtype,
      checkIno: (n) => this.inodeAddress(n),
    };
    const out: InodeDirEntry[] = [];
    if (inode.format === FORMAT_LOCAL) {
      parseShortDir(ctx, inode.fork, inode.stat.size, out);
      return out;
    }
    const dbs = this.sb.dirBlockSize;
    const runs = await xfsRuns(this.bmap, inode, DIR_LEAF_OFFSET / this.sb.blockSize);
    const blocks = new Set<number>();
    let total = 0;
    for (const r of runs) {
      if (r.fileOffset >= DIR_LEAF_OFFSET) break;
      total += r.length;
      if (total > MAX_DIR_BYTES) throw corrupt(this.label, `directory inode ${ino} is too large`);
      const end = Math.min(r.fileOffset + r.length, DIR_LEAF_OFFSET);
      for (let off = Math.floor(r.fileOffset / dbs) * dbs; off < end; off += dbs) blocks.add(off);
    }
    const offsets = [...blocks].sort((a, b) => a - b);
    for (let i = 0; i < offsets.length; i += DIR_READ_BATCH) {
      const batch = offsets.slice(i, i + DIR_READ_BATCH);
      const data = await Promise.all(batch.map((off) => this.readDirBlock(runs, off, dbs, ino)));
      for (const b of data) parseDataBlock(ctx, b, out);
    }
    return out;
  }

  async readData(ino: number, maxBytes: number): Promise<Buffer> {
    const inode = await this.inode(ino);
    const size = Math.min(inode.stat.size, maxBytes);
    if (inode.format === FORMAT_LOCAL) {
      if (size > inode.fork.length)
        throw corrupt(this.label, `inode ${ino}: local data larger than the inode`);
      return Buffer.from(inode.fork.subarray(0, size));
    }
    const runs = await xfsRuns(this.bmap, inode, Math.ceil(size / this.sb.blockSize));
    return readRuns((o, l) => this.dev.read(o, l), runs, size);
  }

  async readLink(ino: number): Promise<string> {
    const inode = await this.inode(ino);
    const size = inode.stat.size;
    if (size === 0 || size > MAX_LINK_BYTES)
      throw corrupt(this.label, `symlink inode ${ino} has size ${size}`);
    if (inode.format === FORMAT_LOCAL) {
      if (size > inode.fork.length) throw corrupt(this.label, `symlink inode ${ino} overruns its inode`);
      return inode.fork.toString('utf8', 0, size);
    }
    // Remote symlinks: each block starts with a header saying which bytes of the target it holds.
    const out = Buffer.alloc(size);
    const bs = this.sb.blockSize;
    for (const r of await xfsRuns(this.bmap, inode, Math.ceil(size / bs))) {
      for (let off = 0; off < r.length; off += bs) {
        const b = await this.dev.read(r.devOffset + off, bs);
        const at = b.readUInt32BE(4);
        const bytes = b.readUInt32BE(8);
        if (b.readUInt32BE(0) !== XSLM || at + bytes > size || SYMLINK_HEADER + bytes > bs) {
          throw corrupt(this.label, `symlink inode ${ino}: bad remote block`);
        }
        b.copy(out, at, SYMLINK_HEADER, SYMLINK_HEADER + bytes);
      }
    }
    return out.toString('utf8');
  }

  /** See InodeFs: the in-use inode chunks of every AG and the directories' blocks, read at once. */
  prefetchInodeTables(maxBytes: number): Promise<number> {
    return readAheadInodes(
      {
        label: this.label,
        sb: this.sb,
        bmap: this.bmap,
        dirLeafOffset: DIR_LEAF_OFFSET,
        read: (o, l) => this.dev.read(o, l),
      },
      maxBytes,
    );
  }

  private async readDirBlock(runs: readonly Run[], off: number, dbs: number, ino: number): Promise<Buffer> {
    const pieces = runs.filter((r) => r.fileOffset < off + dbs && r.fileOffset + r.length > off);
    const covered = pieces.reduce(
      (n, r) => n + Math.min(off + dbs, r.fileOffset + r.length) - Math.max(off, r.fileOffset),
      0,
    );
    if (covered !== dbs || pieces.some((r) => r.zero)) {
      throw corrupt(this.label, `directory inode ${ino}: block at ${off} is not fully mapped`);
    }
    const shifted = pieces.map((r) => ({ ...r, fileOffset: r.fileOffset - off }));
    const out = Buffer.alloc(dbs);
    for (const r of shifted) {
      const from = Math.max(0, -r.fileOffset);
      const len = Math.min(r.length - from, dbs - Math.max(0, r.fileOffset));
      (await this.dev.read(r.devOffset + from, len)).copy(out, Math.max(0, r.fileOffset));
    }
    return out;
  }

  private fsbToByte(fsb: number, count: number): number {
    const sb = this.sb;
    const agno = Math.floor(fsb / 2 ** sb.agBlkLog);
    const agbno = fsb % 2 ** sb.agBlkLog;
    const linear = agno * sb.agBlocks + agbno;
    if (agno >= sb.agCount || agbno + count > sb.agBlocks || linear + count > sb.dblocks) {
      throw corrupt(this.label, `block ${fsb}+${count} lies outside the filesystem`);
    }
    return linear * sb.blockSize;
  }

  /** Byte address of an inode: AG number, block in the AG and slot in the block, from high to low bits. */
  private inodeAddress(ino: number): number {
    const sb = this.sb;
    if (!Number.isSafeInteger(ino) || ino <= 0) throw corrupt(this.label, `inode number ${ino} is invalid`);
    const perBlock = 2 ** sb.inopbLog;
    const fsb = Math.floor(ino / perBlock);
    return this.fsbToByte(fsb, 1) + (ino % perBlock) * sb.inodeSize;
  }

  private async inode(ino: number): Promise<XfsInode> {
    const hit = this.inodes.get(ino);
    if (hit) return hit;
    const raw = await this.dev.read(this.inodeAddress(ino), this.sb.inodeSize);
    const inode = parseXfsInode(raw, ino, this.sb, this.label);
    this.inodes.set(ino, inode);
    return inode;
  }
}
