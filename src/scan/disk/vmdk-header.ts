import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';

/** `KDMV` at byte 0 of a hosted sparse extent. */
export const VMDK_MAGIC = 0x564d444b;
/** A text descriptor file (descriptor-only VMDK: the data is in other files). */
export const VMDK_DESCRIPTOR_START = '# Disk DescriptorFile';

const GD_AT_END = 0xffffffffffffffffn;
const FLAG_NEWLINE_TEST = 1 << 0;
const FLAG_ZERO_GRAIN = 1 << 2;
const FLAG_COMPRESSED = 1 << 16;
const FLAG_MARKERS = 1 << 17;
const MARKER_EOS = 0;
const MARKER_FOOTER = 3;
const MAX_DESCRIPTOR = 1024 * 1024;
const MAX_GD_BYTES = 32 * 1024 * 1024;
/** The create types whose whole disk is this one file. */
const SINGLE_FILE = new Set(['monolithicSparse', 'streamOptimized']);

export interface VmdkHeader {
  createType: string;
  /** Virtual disk size in bytes. */
  size: number;
  grainBytes: number;
  grainSectors: number;
  gtEntries: number;
  gdOffset: number;
  gdEntries: number;
  compressed: boolean;
  /** A grain table entry of 1 means "reads as zeros". */
  zeroGrains: boolean;
}

const fail = (dev: BlockDevice, what: string): AmwError =>
  new AmwError('AMW_FS_CORRUPT', `${dev.label}: VMDK header: ${what}`);
const refuse = (dev: BlockDevice, what: string): AmwError =>
  new AmwError('AMW_FS_UNSUPPORTED', `${dev.label}: ${what}`);

function num(dev: BlockDevice, buf: Buffer, at: number, name: string): number {
  const v = buf.readBigUInt64LE(at);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(dev, `${name} ${v} is out of range`);
  return Number(v);
}

/** What a text descriptor says about its layout: the create type and the extent lines. */
export function parseDescriptor(text: string): { createType: string | undefined; extents: string[] } {
  const createType = /^\s*createType\s*=\s*"?([^"\s]*)"?/m.exec(text)?.[1];
  const extents = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^(RW|RDONLY|NOACCESS)\s+\d+\s+\w+/.test(l));
  return { createType, extents };
}

/** A descriptor-only VMDK (its data in other files) is refused with its create type named. */
export function refuseDescriptorFile(dev: BlockDevice, text: string): AmwError {
  const { createType, extents } = parseDescriptor(text);
  return refuse(
    dev,
    `VMDK descriptor file (createType ${createType ?? 'unknown'}, ${extents.length} extent file(s)) keeps ` +
      'its data in other files; convert it to one file (qemu-img convert -O qcow2 or -O raw)',
  );
}

/**
 * Reads and checks a hosted sparse extent header (monolithicSparse, streamOptimized), the footer
 * when the grain directory is written at the end, and the embedded descriptor's create type.
 */
export async function readVmdkHeader(host: BlockDevice): Promise<VmdkHeader> {
  if (host.size < 1024) throw fail(host, `file of ${host.size} bytes is too short`);
  let head = await host.read(0, 512);
  if (head.readUInt32LE(0) !== VMDK_MAGIC) throw fail(host, 'bad magic');
  const version = head.readUInt32LE(4);
  if (version < 1 || version > 3) throw refuse(host, `VMDK sparse extent version ${version} is not read`);
  if (head.readBigUInt64LE(56) === GD_AT_END) {
    // streamOptimized written front to back: the real header is the footer, before the end marker.
    const tail = await host.read(host.size - 1536, 1536);
    const footerMarker = tail.readUInt32LE(12);
    const eos = tail.readUInt32LE(1024 + 12);
    if (tail.readUInt32LE(8) !== 0 || footerMarker !== MARKER_FOOTER || tail.readUInt32LE(1024 + 8) !== 0) {
      throw fail(host, 'grain directory is at the end but no footer marker precedes the footer');
    }
    if (eos !== MARKER_EOS) throw fail(host, 'no end-of-stream marker after the footer');
    head = tail.subarray(512, 1024);
    if (head.readUInt32LE(0) !== VMDK_MAGIC) throw fail(host, 'footer has a bad magic');
    if (head.readBigUInt64LE(56) === GD_AT_END)
      throw fail(host, 'footer does not say where the grain directory is');
  }
  const flags = head.readUInt32LE(8);
  if (flags & FLAG_NEWLINE_TEST && head.toString('latin1', 73, 77) !== '\n \r\n') {
    throw fail(host, 'end-of-line test bytes are altered (the file went through a text-mode transfer)');
  }
  const capacity = num(host, head, 12, 'capacity');
  const grainSectors = num(host, head, 20, 'grain size');
  const descriptorOffset = num(host, head, 28, 'descriptor offset');
  const descriptorSectors = num(host, head, 36, 'descriptor size');
  const gtEntries = head.readUInt32LE(44);
  const gdSector = num(host, head, 56, 'grain directory offset');
  const compressed = (flags & FLAG_COMPRESSED) !== 0;
  const algorithm = head.readUInt16LE(77);

  if (descriptorOffset === 0 || descriptorSectors === 0) {
    throw refuse(host, 'VMDK sparse extent without an embedded descriptor is one part of a multi-file disk');
  }
  if (descriptorSectors * 512 > MAX_DESCRIPTOR || (descriptorOffset + descriptorSectors) * 512 > host.size) {
    throw fail(
      host,
      `descriptor at sector ${descriptorOffset} (${descriptorSectors} sectors) is outside the file`,
    );
  }
  const text = (await host.read(descriptorOffset * 512, descriptorSectors * 512)).toString('latin1');
  const embedded = text.replace(/\0[\s\S]*$/, '');
  if (embedded.trim() === '') {
    throw refuse(host, 'VMDK sparse extent without an embedded descriptor is one part of a multi-file disk');
  }
  const { createType, extents } = parseDescriptor(embedded);
  if (!createType || !SINGLE_FILE.has(createType) || extents.length !== 1) {
    throw refuse(
      host,
      `VMDK createType ${createType ?? 'unknown'} with ${extents.length} extent(s) is not read ` +
        '(monolithicSparse and streamOptimized are)',
    );
  }
  if (compressed && algorithm !== 1)
    throw refuse(host, `VMDK compression algorithm ${algorithm} is not read`);
  if (compressed && !(flags & FLAG_MARKERS))
    throw refuse(host, 'compressed VMDK grains without markers are not read');

  if (grainSectors < 1 || grainSectors > 4096 || (grainSectors & (grainSectors - 1)) !== 0) {
    throw fail(host, `grain of ${grainSectors} sectors is not a power of two up to 2 MiB`);
  }
  if (gtEntries < 1 || gtEntries > 4096) throw fail(host, `${gtEntries} entries per grain table`);
  if (capacity * 512 > Number.MAX_SAFE_INTEGER) throw fail(host, `capacity ${capacity} is out of range`);
  const gdEntries = Math.ceil(capacity / (grainSectors * gtEntries));
  if (gdEntries * 4 > MAX_GD_BYTES) throw fail(host, `grain directory of ${gdEntries} entries is too large`);
  if (gdEntries > 0 && (gdSector < 1 || gdSector * 512 + gdEntries * 4 > host.size)) {
    throw fail(host, `grain directory at sector ${gdSector} (${gdEntries} entries) is outside the file`);
  }
  return {
    createType,
    size: capacity * 512,
    grainBytes: grainSectors * 512,
    grainSectors,
    gtEntries,
    gdOffset: gdSector * 512,
    gdEntries,
    compressed,
    zeroGrains: (flags & FLAG_ZERO_GRAIN) !== 0,
  };
}
