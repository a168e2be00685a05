import { AmwError } from '../../../errors.ts';
import { formatUuid } from '../fs-util.ts';

export const EXT4_MAGIC = 0xef53;
const INCOMPAT_COMPRESSION = 0x1;
const INCOMPAT_FILETYPE = 0x2;
const INCOMPAT_JOURNAL_DEV = 0x8;
const INCOMPAT_META_BG = 0x10;
const INCOMPAT_64BIT = 0x80;
const INCOMPAT_DIRDATA = 0x1000;
export const INCOMPAT_INLINE_DATA = 0x8000;
const RO_COMPAT_GDT_CSUM = 0x10;
const RO_COMPAT_METADATA_CSUM = 0x400;

export interface Ext4Super {
  readonly blockSize: number;
  readonly blocksCount: number;
  readonly inodesCount: number;
  readonly inodesPerGroup: number;
  readonly blocksPerGroup: number;
  readonly firstDataBlock: number;
  readonly groupCount: number;
  readonly inodeSize: number;
  readonly descSize: number;
  readonly is64: boolean;
  readonly hasFileType: boolean;
  /** Group descriptors carry checksums, so their "unused inodes" and "uninit" fields can be trusted. */
  readonly groupCsum: boolean;
  readonly uuid: string;
  readonly volumeLabel: string;
}

/** Parses and sanity-checks the 1024-byte superblock found at byte 1024. */
export function parseExt4Super(b: Buffer, label: string, deviceSize: number): Ext4Super {
  const bad = (why: string): never => {
    throw new AmwError('AMW_FS_CORRUPT', `${label}: ext4 superblock: ${why}`);
  };
  if (b.length < 1024 || b.readUInt16LE(0x38) !== EXT4_MAGIC) bad('bad magic');
  const logBlock = b.readUInt32LE(0x18);
  if (logBlock > 6) bad(`block size 2^(10+${logBlock})`);
  const blockSize = 1024 << logBlock;
  const incompat = b.readUInt32LE(0x60);
  const unsupported =
    incompat & (INCOMPAT_COMPRESSION | INCOMPAT_JOURNAL_DEV | INCOMPAT_META_BG | INCOMPAT_DIRDATA);
  if (unsupported) {
    throw new AmwError(
      'AMW_FS_UNSUPPORTED',
      `${label}: ext4 incompatible features 0x${unsupported.toString(16)} are not supported`,
    );
  }
  const is64 = (incompat & INCOMPAT_64BIT) !== 0;
  const blocksCount = b.readUInt32LE(0x04) + (is64 ? b.readUInt32LE(0x150) * 2 ** 32 : 0);
  const inodesCount = b.readUInt32LE(0x00);
  const blocksPerGroup = b.readUInt32LE(0x20);
  const inodesPerGroup = b.readUInt32LE(0x28);
  const firstDataBlock = b.readUInt32LE(0x14);
  const rev = b.readUInt32LE(0x4c);
  const inodeSize = rev === 0 ? 128 : b.readUInt16LE(0x58);
  const descSize = is64 ? b.readUInt16LE(0xfe) : 32;
  if (blocksCount === 0 || blocksCount * blockSize > deviceSize) {
    bad(`${blocksCount} blocks of ${blockSize} bytes do not fit the ${deviceSize}-byte device`);
  }
  if (blocksPerGroup === 0 || blocksPerGroup > blockSize * 8) bad(`blocks per group ${blocksPerGroup}`);
  if (inodesPerGroup === 0 || inodesPerGroup > blockSize * 8) bad(`inodes per group ${inodesPerGroup}`);
  if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) {
    bad(`inode size ${inodeSize}`);
  }
  if (descSize < 32 || descSize > 1024 || (is64 && descSize < 64)) bad(`descriptor size ${descSize}`);
  if (firstDataBlock >= blocksCount) bad(`first data block ${firstDataBlock}`);
  const groupCount = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
  if (inodesCount > groupCount * inodesPerGroup) bad(`inode count ${inodesCount}`);
  return {
    blockSize,
    blocksCount,
    inodesCount,
    inodesPerGroup,
    blocksPerGroup,
    firstDataBlock,
    groupCount,
    inodeSize,
    descSize,
    is64,
    hasFileType: (incompat & INCOMPAT_FILETYPE) !== 0,
    groupCsum: (b.readUInt32LE(0x64) & (RO_COMPAT_GDT_CSUM | RO_COMPAT_METADATA_CSUM)) !== 0,
    uuid: formatUuid(b.subarray(0x68, 0x78)),
    volumeLabel: cString(b.subarray(0x78, 0x88)),
  };
}

export function cString(b: Buffer): string {
  const z = b.indexOf(0);
  return b.subarray(0, z < 0 ? b.length : z).toString('utf8');
}
