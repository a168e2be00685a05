import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';

/** `QFI\xfb` at byte 0 of every qcow2 file. */
export const QCOW2_MAGIC = 0x514649fb;

const INCOMPAT_DIRTY = 1n << 0n;
const INCOMPAT_CORRUPT = 1n << 1n;
const INCOMPAT_DATA_FILE = 1n << 2n;
const INCOMPAT_COMPRESSION = 1n << 3n;
const INCOMPAT_EXTL2 = 1n << 4n;
const KNOWN_INCOMPAT =
  INCOMPAT_DIRTY | INCOMPAT_CORRUPT | INCOMPAT_DATA_FILE | INCOMPAT_COMPRESSION | INCOMPAT_EXTL2;

const EXT_DATA_FILE = 0x44415441;
/** qemu refuses L1 tables over 32 MiB; so do we, which also bounds what a corrupt size can ask. */
const MAX_L1_BYTES = 32 * 1024 * 1024;
const MAX_BACKING_NAME = 1023;

export interface Qcow2Header {
  version: 2 | 3;
  clusterBits: number;
  clusterSize: number;
  /** Virtual disk size in bytes. */
  size: number;
  l1Entries: number;
  l1Offset: number;
  /** Extended L2 entries (v3 incompatible bit 4): 16-byte entries with 32 subclusters. */
  extendedL2: boolean;
  /** Bytes per L2 entry (8, or 16 with extended L2). */
  l2EntryBytes: number;
  /** Guest bytes one L2 table maps. */
  l2Span: number;
  /** Dirty or corrupt bit set: the refcounts may be off, which a read-only reader does not use. */
  unclean: boolean;
}

const fail = (dev: BlockDevice, what: string): AmwError =>
  new AmwError('AMW_FS_CORRUPT', `${dev.label}: qcow2 header: ${what}`);
const refuse = (dev: BlockDevice, what: string): AmwError =>
  new AmwError('AMW_FS_UNSUPPORTED', `${dev.label}: ${what}`);

/** A u64 from the file as a number, or a corrupt-header error when it cannot be a byte offset. */
function offsetAt(dev: BlockDevice, buf: Buffer, at: number, name: string): number {
  const v = buf.readBigUInt64BE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(dev, `${name} ${v} is out of range`);
  return Number(v);
}

/**
 * Reads and checks a qcow2 header (versions 2 and 3). Anything a read-only reader cannot honour
 * without another file or a key is refused by name rather than read wrongly.
 */
export async function readQcow2Header(host: BlockDevice): Promise<Qcow2Header> {
  if (host.size < 72) throw fail(host, `file of ${host.size} bytes is shorter than a header`);
  const head = await host.read(0, Math.min(host.size, 4096));
  if (head.readUInt32BE(0) !== QCOW2_MAGIC) throw fail(host, 'bad magic');
  const version = head.readUInt32BE(4);
  if (version !== 2 && version !== 3)
    throw refuse(host, `qcow2 version ${version} is not read (2 and 3 are)`);
  const clusterBits = head.readUInt32BE(20);
  if (clusterBits < 9 || clusterBits > 21) throw fail(host, `cluster bits ${clusterBits} outside 9..21`);
  const clusterSize = 2 ** clusterBits;
  const size = offsetAt(host, head, 24, 'virtual size');

  const backingOffset = offsetAt(host, head, 8, 'backing file offset');
  if (backingOffset !== 0) {
    const len = head.readUInt32BE(16);
    let name = '(unreadable name)';
    if (len > 0 && len <= MAX_BACKING_NAME && backingOffset + len <= host.size) {
      name = (await host.read(backingOffset, len)).toString('utf8');
    }
    throw refuse(
      host,
      `qcow2 image has a backing file ${JSON.stringify(name)}; scan a standalone copy ` +
        '(qemu-img convert -O qcow2 overlay.qcow2 standalone.qcow2)',
    );
  }
  const crypt = head.readUInt32BE(32);
  if (crypt !== 0) {
    const how = crypt === 1 ? 'AES' : crypt === 2 ? 'LUKS' : `method ${crypt}`;
    throw refuse(host, `qcow2 image is encrypted (${how}); scan a decrypted copy`);
  }

  let headerLength = 72;
  let incompat = 0n;
  let compressionType = 0;
  if (version === 3) {
    if (host.size < 104) throw fail(host, 'version 3 header is truncated');
    incompat = head.readBigUInt64BE(72);
    headerLength = head.readUInt32BE(100);
    if (headerLength < 104 || headerLength % 8 !== 0 || headerLength > Math.min(clusterSize, head.length)) {
      throw fail(host, `header length ${headerLength}`);
    }
    if (headerLength > 104) compressionType = head[104]!;
  }
  const unknown = incompat & ~KNOWN_INCOMPAT;
  if (unknown !== 0n) {
    const bits: number[] = [];
    for (let b = 0; b < 64; b++) if (unknown & (1n << BigInt(b))) bits.push(b);
    throw refuse(host, `qcow2 image uses unknown incompatible feature bit(s) ${bits.join(', ')}`);
  }
  if (incompat & INCOMPAT_DATA_FILE) {
    const name = externalDataName(head, headerLength);
    throw refuse(
      host,
      `qcow2 image keeps its data in an external data file${name ? ` ${JSON.stringify(name)}` : ''}; ` +
        'scan that raw file instead',
    );
  }
  if (incompat & INCOMPAT_COMPRESSION) {
    if (compressionType === 1) throw refuse(host, 'qcow2 image uses zstd compression (only zlib is read)');
    if (compressionType !== 0) throw refuse(host, `qcow2 compression type ${compressionType} is not read`);
  } else if (compressionType !== 0) {
    throw fail(host, `compression type ${compressionType} without its incompatible bit`);
  }
  const extendedL2 = (incompat & INCOMPAT_EXTL2) !== 0n;
  if (extendedL2 && clusterBits < 14) throw fail(host, 'extended L2 entries need clusters of 16 KiB or more');

  const l1Entries = head.readUInt32BE(36);
  const l1Offset = offsetAt(host, head, 40, 'L1 table offset');
  const l2EntryBytes = extendedL2 ? 16 : 8;
  const l2Span = (clusterSize / l2EntryBytes) * clusterSize;
  if (l1Entries * 8 > MAX_L1_BYTES) throw fail(host, `L1 table of ${l1Entries} entries is too large`);
  if (l1Entries < Math.ceil(size / l2Span)) {
    throw fail(host, `L1 table of ${l1Entries} entries cannot map ${size} bytes`);
  }
  if (l1Entries > 0) {
    if (l1Offset % clusterSize !== 0 || l1Offset < clusterSize || l1Offset + l1Entries * 8 > host.size) {
      throw fail(host, `L1 table at ${l1Offset} (${l1Entries} entries) is outside the file`);
    }
  }
  return {
    version,
    clusterBits,
    clusterSize,
    size,
    l1Entries,
    l1Offset,
    extendedL2,
    l2EntryBytes,
    l2Span,
    unclean: (incompat & (INCOMPAT_DIRTY | INCOMPAT_CORRUPT)) !== 0n,
  };
}

/** The external data file's name from the header extensions, when they are within the first 4 KiB. */
function externalDataName(head: Buffer, start: number): string | undefined {
  let at = start;
  for (let n = 0; n < 64 && at + 8 <= head.length; n++) {
    const type = head.readUInt32BE(at);
    const len = head.readUInt32BE(at + 4);
    if (type === 0 || at + 8 + len > head.length) return undefined;
    if (type === EXT_DATA_FILE) return head.subarray(at + 8, at + 8 + len).toString('utf8');
    at += 8 + Math.ceil(len / 8) * 8;
  }
  return undefined;
}
