import { crc32 } from 'node:zlib';
import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';

const MDA_MAGIC = ' LVM2 x[5A%r0N*>';
const MAX_METADATA = 4 * 1024 * 1024;

/** LVM2's CRC: the CRC-32 table with its own seed and no final inversion. */
export function lvmCrc(data: Buffer): number {
  return ~crc32(data, ~0xf597a6cf >>> 0) >>> 0;
}

export interface PvLabel {
  /** The PV UUID without dashes, as the metadata's `id` is once its dashes are removed. */
  readonly uuid: string;
  readonly metadata: string;
}

/** Finds LABELONE in the first four sectors; undefined when the device is not a PV. */
export async function findPvLabel(dev: BlockDevice): Promise<{ at: number; sector: Buffer } | undefined> {
  if (dev.size < 4096) return undefined;
  const head = await dev.read(0, 2048);
  for (let s = 0; s < 4; s++) {
    const sector = head.subarray(s * 512, (s + 1) * 512);
    if (sector.toString('latin1', 0, 8) === 'LABELONE' && sector.toString('latin1', 24, 32) === 'LVM2 001') {
      return { at: s * 512, sector };
    }
  }
  return undefined;
}

/** Reads a PV's label, its first metadata area header and the newest metadata text. */
export async function readPvLabel(dev: BlockDevice, at: number, sector: Buffer): Promise<PvLabel> {
  const bad = (why: string): never => {
    throw new AmwError('AMW_DISK_BAD_LVM', `${dev.label}: LVM label: ${why}`);
  };
  if (lvmCrc(sector.subarray(20, 512)) !== sector.readUInt32LE(16)) bad('label checksum mismatch');
  const off = sector.readUInt32LE(20);
  if (off < 32 || off + 32 + 16 > 512) bad(`pv header offset ${off}`);
  const uuid = sector.toString('latin1', off, off + 32);
  let pos = off + 40;
  const locns = (): { offset: number; size: number }[] => {
    const list: { offset: number; size: number }[] = [];
    for (;;) {
      if (pos + 16 > 512) bad('area list runs past the label sector');
      const offset = Number(sector.readBigUInt64LE(pos));
      const size = Number(sector.readBigUInt64LE(pos + 8));
      pos += 16;
      if (offset === 0) return list;
      list.push({ offset, size });
    }
  };
  locns(); // data areas: pe_start in the metadata says where extents begin
  const mdas = locns();
  const mda = mdas[0];
  if (!mda) bad('no metadata area');
  const m = mda!;
  if (m.offset + 512 > dev.size || m.size < 1024 || m.offset + m.size > dev.size) {
    bad(`metadata area ${m.offset}+${m.size} is outside the device`);
  }
  const hdr = await dev.read(m.offset, 512);
  if (hdr.toString('latin1', 4, 20) !== MDA_MAGIC) bad('metadata area header has a bad magic');
  if (lvmCrc(hdr.subarray(4, 512)) !== hdr.readUInt32LE(0)) bad('metadata area header checksum mismatch');
  const rOffset = Number(hdr.readBigUInt64LE(40));
  const rSize = Number(hdr.readBigUInt64LE(48));
  const rCrc = hdr.readUInt32LE(56);
  if (rOffset === 0 || rSize === 0) bad('metadata area holds no metadata');
  if (rSize > MAX_METADATA || rSize > m.size - 512 || rOffset < 512 || rOffset >= m.size) {
    bad(`metadata text ${rOffset}+${rSize} does not fit its area`);
  }
  // The area is a ring buffer after its 512-byte header: text may wrap to the start.
  const firstLen = Math.min(rSize, m.size - rOffset);
  const parts = [await dev.read(m.offset + rOffset, firstLen)];
  if (firstLen < rSize) parts.push(await dev.read(m.offset + 512, rSize - firstLen));
  const text = Buffer.concat(parts);
  if (lvmCrc(text) !== rCrc) bad('metadata text checksum mismatch');
  const z = text.indexOf(0);
  return { uuid, metadata: text.toString('utf8', 0, z < 0 ? text.length : z) };
}
