import { AmwError } from '../../../errors.ts';
import { formatUuid, u64 } from '../fs-util.ts';
import { cString } from '../ext4/superblock.ts';

const INCOMPAT_FTYPE = 0x1;
const INCOMPAT_SPINODES = 0x2;
const INCOMPAT_KNOWN = 0x3f;
export const INCOMPAT_NREXT64 = 0x20;

export interface XfsSuper {
  readonly blockSize: number;
  readonly sectorSize: number;
  readonly dblocks: number;
  readonly rootIno: number;
  readonly agBlocks: number;
  readonly agCount: number;
  readonly inodeSize: number;
  readonly inopbLog: number;
  readonly agBlkLog: number;
  readonly dirBlockSize: number;
  readonly hasFtype: boolean;
  readonly nrext64: boolean;
  /** Inode chunks may be partly allocated (inode B+tree records carry a hole mask). */
  readonly sparseInodes: boolean;
  readonly uuid: string;
  readonly volumeLabel: string;
}

const isPow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;

/** Parses and checks the primary superblock (AG 0, byte 0; big-endian). Only v5 is read. */
export function parseXfsSuper(b: Buffer, label: string, deviceSize: number): XfsSuper {
  const bad = (why: string): never => {
    throw new AmwError('AMW_FS_CORRUPT', `${label}: XFS superblock: ${why}`);
  };
  if (b.toString('latin1', 0, 4) !== 'XFSB') bad('bad magic');
  const version = b.readUInt16BE(100) & 0xf;
  if (version !== 5) {
    throw new AmwError('AMW_FS_UNSUPPORTED', `${label}: XFS version ${version} (only v5 is read)`);
  }
  const blockSize = b.readUInt32BE(4);
  const sectorSize = b.readUInt16BE(102);
  const inodeSize = b.readUInt16BE(104);
  const inopBlock = b.readUInt16BE(106);
  const blockLog = b[120]!;
  const inodeLog = b[122]!;
  const inopbLog = b[123]!;
  const agBlkLog = b[124]!;
  const dirBlkLog = b[192]!;
  const agBlocks = b.readUInt32BE(84);
  const agCount = b.readUInt32BE(88);
  const dblocks = u64(b.readBigUInt64BE(8), label, 'dblocks');
  const rootIno = u64(b.readBigUInt64BE(56), label, 'root inode');
  const incompat = b.readUInt32BE(216);
  if (!isPow2(blockSize) || blockSize < 512 || blockSize > 65536 || 1 << blockLog !== blockSize) {
    bad(`block size ${blockSize}`);
  }
  if (!isPow2(sectorSize) || sectorSize < 512 || sectorSize > 32768) bad(`sector size ${sectorSize}`);
  if (!isPow2(inodeSize) || inodeSize < 256 || inodeSize > 2048 || 1 << inodeLog !== inodeSize) {
    bad(`inode size ${inodeSize}`);
  }
  if (inopBlock !== blockSize / inodeSize || 1 << inopbLog !== inopBlock)
    bad(`inodes per block ${inopBlock}`);
  if (agBlocks < 2 || agBlkLog > 31 || agBlocks > 2 ** agBlkLog || agBlocks <= 2 ** (agBlkLog - 1)) {
    bad(`AG size ${agBlocks} blocks (log ${agBlkLog})`);
  }
  if (agCount === 0 || agCount * agBlocks < dblocks) bad(`${agCount} AGs of ${agBlocks} blocks`);
  if (dblocks === 0 || dblocks * blockSize > deviceSize) {
    bad(`${dblocks} blocks of ${blockSize} bytes do not fit the ${deviceSize}-byte device`);
  }
  if (dirBlkLog > 16 || blockSize * 2 ** dirBlkLog > 65536) bad(`directory block log ${dirBlkLog}`);
  if (incompat & ~INCOMPAT_KNOWN) {
    throw new AmwError(
      'AMW_FS_UNSUPPORTED',
      `${label}: XFS incompatible features 0x${incompat.toString(16)}`,
    );
  }
  return {
    blockSize,
    sectorSize,
    dblocks,
    rootIno,
    agBlocks,
    agCount,
    inodeSize,
    inopbLog,
    agBlkLog,
    dirBlockSize: blockSize * 2 ** dirBlkLog,
    hasFtype: (incompat & INCOMPAT_FTYPE) !== 0,
    nrext64: (incompat & INCOMPAT_NREXT64) !== 0,
    sparseInodes: (incompat & INCOMPAT_SPINODES) !== 0,
    uuid: formatUuid(b.subarray(32, 48)),
    volumeLabel: cString(b.subarray(108, 120)),
  };
}
