import type { BlockDevice } from '../../disk/block-device.ts';
import { MAX_READ_BYTES } from '../../disk/block-device.ts';
import type { VfsStat } from '../../vfs/vfs.ts';
import type { InodeDirEntry, InodeFs } from '../inode-fs.ts';
import { MAX_LINK_BYTES } from '../inode-fs.ts';
import type { Run } from '../fs-util.ts';
import { Lru, corrupt, readRuns } from '../fs-util.ts';
import type { Ext4Super } from './superblock.ts';
import { parseExt4Super } from './superblock.ts';
import type { Ext4Inode } from './inode.ts';
import { FLAG_EXTENTS, FLAG_INLINE_DATA, inlineDataXattr, parseExt4Inode } from './inode.ts';
import type { MapContext } from './block-map.ts';
import { blockMapRuns, extentRuns } from './block-map.ts';
import { parseDirBlock } from './dir.ts';
import { directoryRanges } from './dir-blocks.ts';

/** Directories larger than this are taken as a corrupt size field. */
const MAX_DIR_BYTES = 256 * 1024 * 1024;
const DIR_READ_BATCH = 32;
const PREFETCH_CHUNK = 1024 * 1024;
/** Group descriptor flag: the group's inode table was never initialised (no inode in use). */
const BG_INODE_UNINIT = 0x1;

/** Read-only ext2/3/4 reader. Every structure is fetched on demand through `dev`. */
export class Ext4Fs implements InodeFs {
  readonly kind = 'ext4';
  readonly rootIno = 2;
  readonly uuid: string;
  readonly volumeLabel: string;
  private readonly inodes = new Lru<number, Ext4Inode>(4096);
  private readonly tables = new Map<number, number>();
  private readonly map: MapContext;

  private constructor(
    readonly label: string,
    private readonly dev: BlockDevice,
    readonly sb: Ext4Super,
  ) {
    this.uuid = sb.uuid;
    this.volumeLabel = sb.volumeLabel;
    this.map = {
      label,
      blockSize: sb.blockSize,
      blocksCount: sb.blocksCount,
      readBlock: (block) => this.dev.read(block * sb.blockSize, sb.blockSize),
    };
  }

  static async open(dev: BlockDevice, label = dev.label): Promise<Ext4Fs> {
    if (dev.size < 2048) throw corrupt(label, 'too small for an ext4 superblock');
    const sb = parseExt4Super(await dev.read(1024, 1024), label, dev.size);
    const fs = new Ext4Fs(label, dev, sb);
    const root = await fs.inode(2);
    if (root.stat.type !== 'dir') throw corrupt(label, 'root inode is not a directory');
    return fs;
  }

  async stat(ino: number): Promise<VfsStat> {
    return (await this.inode(ino)).stat;
  }

  async listDir(ino: number): Promise<InodeDirEntry[]> {
    const inode = await this.inode(ino);
    if (inode.stat.type !== 'dir') throw corrupt(this.label, `inode ${ino} is not a directory`);
    const ctx = {
      label: this.label,
      ino,
      hasFileType: this.sb.hasFileType,
      inodesCount: this.sb.inodesCount,
      blockSize: this.sb.blockSize,
    };
    const out: InodeDirEntry[] = [];
    if (inode.flags & FLAG_INLINE_DATA) {
      // The first four bytes hold the parent's inode number; records follow, then continue in system.data.
      parseDirBlock(ctx, inode.iBlock.subarray(4), out);
      const more = inlineDataXattr(inode, this.label);
      if (more.length > 0) parseDirBlock(ctx, more, out);
      return out;
    }
    const size = inode.stat.size;
    if (size > MAX_DIR_BYTES || size % this.sb.blockSize !== 0) {
      throw corrupt(this.label, `directory inode ${ino} has size ${size}`);
    }
    const runs = await this.runs(inode, size);
    const bs = this.sb.blockSize;
    const blocks: number[] = [];
    for (const r of runs) {
      if (r.zero) continue;
      const len = Math.min(r.length, size - r.fileOffset);
      for (let off = 0; off < len; off += bs) blocks.push(r.devOffset + off);
    }
    // Fetch a batch of blocks at once (a remote device then has many requests in flight).
    for (let i = 0; i < blocks.length; i += DIR_READ_BATCH) {
      const batch = await Promise.all(blocks.slice(i, i + DIR_READ_BATCH).map((at) => this.dev.read(at, bs)));
      for (const b of batch) parseDirBlock(ctx, b, out);
    }
    return out;
  }

  async readData(ino: number, maxBytes: number): Promise<Buffer> {
    const inode = await this.inode(ino);
    const size = Math.min(inode.stat.size, maxBytes);
    if (inode.flags & FLAG_INLINE_DATA) return this.inlineData(inode, size);
    return readRuns((o, l) => this.dev.read(o, l), await this.runs(inode, size), size);
  }

  async readLink(ino: number): Promise<string> {
    const inode = await this.inode(ino);
    const size = inode.stat.size;
    if (size === 0 || size > MAX_LINK_BYTES)
      throw corrupt(this.label, `symlink inode ${ino} has size ${size}`);
    let data: Buffer;
    if (inode.flags & FLAG_INLINE_DATA) data = this.inlineData(inode, size);
    else if (size < 60 && !(inode.flags & FLAG_EXTENTS)) data = inode.iBlock.subarray(0, size);
    else data = await this.readData(ino, size);
    return data.toString('utf8');
  }

  private inlineData(inode: Ext4Inode, size: number): Buffer {
    const first = inode.iBlock.subarray(0, Math.min(60, size));
    if (size <= 60) return Buffer.from(first);
    const rest = inlineDataXattr(inode, this.label);
    if (60 + rest.length < size)
      throw corrupt(this.label, `inode ${inode.ino}: inline data shorter than its size`);
    return Buffer.concat([first, rest.subarray(0, size - 60)]);
  }

  private runs(inode: Ext4Inode, size: number): Promise<Run[]> {
    const endBlock = Math.ceil(size / this.sb.blockSize);
    if (endBlock === 0) return Promise.resolve([]);
    return inode.flags & FLAG_EXTENTS
      ? extentRuns(this.map, inode.ino, inode.iBlock, endBlock)
      : blockMapRuns(this.map, inode.ino, inode.iBlock, endBlock);
  }

  private async inode(ino: number): Promise<Ext4Inode> {
    const hit = this.inodes.get(ino);
    if (hit) return hit;
    const sb = this.sb;
    if (!Number.isSafeInteger(ino) || ino < 1 || ino > sb.inodesCount) {
      throw corrupt(this.label, `inode number ${ino} is out of range`);
    }
    const group = Math.floor((ino - 1) / sb.inodesPerGroup);
    const index = (ino - 1) % sb.inodesPerGroup;
    const table = await this.inodeTable(group);
    const raw = await this.dev.read(table * sb.blockSize + index * sb.inodeSize, sb.inodeSize);
    const inode = parseExt4Inode(raw, ino, this.label);
    this.inodes.set(ino, inode);
    return inode;
  }

  async prefetchInodeTables(maxBytes: number): Promise<number> {
    const sb = this.sb;
    const descBytes = sb.groupCount * sb.descSize;
    if (descBytes > MAX_READ_BYTES) return 0;
    const gdt = await this.dev.read((sb.firstDataBlock + 1) * sb.blockSize, descBytes);
    const tableBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
    const reads: Promise<unknown>[] = [];
    let total = 0;
    // The directories met in the tables get their blocks read at once too: the walk lists every
    // one, and this way it does not wait for each level of the tree in turn.
    const dirReads: Promise<Buffer>[] = [];
    let dirBytes = 0;
    const readDirs = (table: Buffer): void => {
      for (const r of directoryRanges(table, sb.inodeSize, sb.blockSize, sb.blocksCount)) {
        if (total + dirBytes + r.length > maxBytes) return;
        dirBytes += r.length;
        dirReads.push(this.dev.read(r.at, r.length));
      }
    };
    for (let g = 0; g < sb.groupCount; g++) {
      const d = gdt.subarray(g * sb.descSize, (g + 1) * sb.descSize);
      const table = d.readUInt32LE(0x08) + (sb.is64 ? d.readUInt32LE(0x28) * 2 ** 32 : 0);
      if (table === 0 || table + tableBlocks > sb.blocksCount) continue;
      this.tables.set(g, table);
      const free = d.readUInt16LE(0x0e) + (sb.is64 ? d.readUInt16LE(0x2e) * 65536 : 0);
      let used = sb.inodesPerGroup;
      if (sb.groupCsum) {
        if (d.readUInt16LE(0x12) & BG_INODE_UNINIT) continue;
        used -= d.readUInt16LE(0x1c) + (sb.is64 ? d.readUInt16LE(0x32) * 65536 : 0);
      }
      if (free >= sb.inodesPerGroup || used <= 0) continue;
      let bytes = Math.min(used, sb.inodesPerGroup) * sb.inodeSize;
      if (total + bytes > maxBytes) bytes = maxBytes - total;
      // One read per MiB: a remote device splits it into its own blocks and fetches them together.
      for (let at = 0; at < bytes; at += PREFETCH_CHUNK) {
        const len = Math.min(PREFETCH_CHUNK, bytes - at);
        reads.push(this.dev.read(table * sb.blockSize + at, len).then(readDirs));
      }
      total += bytes;
      if (total >= maxBytes) break;
    }
    await Promise.all(reads);
    await Promise.all(dirReads);
    return total + dirBytes;
  }

  private async inodeTable(group: number): Promise<number> {
    const hit = this.tables.get(group);
    if (hit !== undefined) return hit;
    const sb = this.sb;
    const descOffset = (sb.firstDataBlock + 1) * sb.blockSize + group * sb.descSize;
    const d = await this.dev.read(descOffset, sb.descSize);
    const table = d.readUInt32LE(0x08) + (sb.is64 ? d.readUInt32LE(0x28) * 2 ** 32 : 0);
    const tableBlocks = Math.ceil((sb.inodesPerGroup * sb.inodeSize) / sb.blockSize);
    if (table === 0 || table + tableBlocks > sb.blocksCount) {
      throw corrupt(this.label, `group ${group}: inode table at block ${table} lies outside the filesystem`);
    }
    this.tables.set(group, table);
    return table;
  }
}
