import { crc32 } from 'node:zlib';
import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';
import type { PartitionEntry } from './mbr.ts';

const SIGNATURE = 'EFI PART';
const MAX_ENTRY_BYTES = 1024 * 1024;

/** GUIDs are stored mixed-endian; this gives the usual text form in upper case. */
export function guidText(b: Buffer): string {
  const h = (from: number, to: number, rev: boolean): string => {
    const part = Buffer.from(b.subarray(from, to));
    return (rev ? part.reverse() : part).toString('hex');
  };
  return [h(0, 4, true), h(4, 6, true), h(6, 8, true), h(8, 10, false), h(10, 16, false)]
    .join('-')
    .toUpperCase();
}

/**
 * Every used GPT entry, whatever its name or type: the root is found by content later. Tries
 * 512- and 4096-byte logical sectors. The backup header (where the primary points, else the disk's
 * last sector) is read only when the primary is damaged or wiped: on an EBS snapshot every read
 * is a round trip.
 */
export async function readGpt(dev: BlockDevice): Promise<PartitionEntry[]> {
  const problems: string[] = [];
  for (const sector of [512, 4096]) {
    if (dev.size < sector * 3) continue;
    const lastLba = Math.floor(dev.size / sector) - 1;
    const primary = await dev.read(sector, sector);
    let backupLba = lastLba;
    if (primary.toString('latin1', 0, 8) === SIGNATURE) {
      try {
        return await parseHeader(dev, primary, sector);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
      }
      const pointed = Number(primary.readBigUInt64LE(32));
      if (pointed > 1 && pointed <= lastLba) backupLba = pointed;
    } else problems.push(`no signature at ${sector}`);
    const backup = await dev.read(backupLba * sector, sector);
    if (backup.toString('latin1', 0, 8) !== SIGNATURE) {
      problems.push(`no backup header at LBA ${backupLba}`);
      continue;
    }
    try {
      return await parseHeader(dev, backup, sector);
    } catch (err) {
      problems.push(`backup: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  throw new AmwError('AMW_DISK_BAD_GPT', `${dev.label}: GPT: ${problems.join('; ')}`);
}

async function parseHeader(dev: BlockDevice, h: Buffer, sector: number): Promise<PartitionEntry[]> {
  if (h.toString('latin1', 0, 8) !== SIGNATURE) throw new Error('bad signature');
  const headerSize = h.readUInt32LE(12);
  if (headerSize < 92 || headerSize > sector) throw new Error(`header size ${headerSize}`);
  const copy = Buffer.from(h.subarray(0, headerSize));
  copy.writeUInt32LE(0, 16);
  if (crc32(copy) !== h.readUInt32LE(16)) throw new Error('header checksum mismatch');
  const entriesLba = Number(h.readBigUInt64LE(72));
  const count = h.readUInt32LE(80);
  const entrySize = h.readUInt32LE(84);
  if (entrySize < 128 || entrySize % 8 !== 0 || count * entrySize > MAX_ENTRY_BYTES) {
    throw new Error(`${count} entries of ${entrySize} bytes`);
  }
  const lastLba = Math.floor(dev.size / sector) - 1;
  if (entriesLba < 2 || entriesLba * sector + count * entrySize > dev.size) {
    throw new Error(`entry array at LBA ${entriesLba} is outside the disk`);
  }
  const table = await dev.read(entriesLba * sector, count * entrySize);
  if (crc32(table) !== h.readUInt32LE(88)) throw new Error('entry array checksum mismatch');
  const out: PartitionEntry[] = [];
  for (let i = 0; i < count; i++) {
    const e = table.subarray(i * entrySize, (i + 1) * entrySize);
    if (e.subarray(0, 16).every((x) => x === 0)) continue;
    const first = Number(e.readBigUInt64LE(32));
    const last = Number(e.readBigUInt64LE(40));
    if (first < 1 || last < first || last > lastLba) {
      throw new Error(`partition ${i + 1} spans LBA ${first}..${last}, outside the disk`);
    }
    const nameRaw = e.subarray(56, 128).toString('utf16le');
    const z = nameRaw.indexOf('\0');
    out.push({
      number: i + 1,
      start: first * sector,
      size: (last - first + 1) * sector,
      type: guidText(e.subarray(0, 16)),
      uuid: guidText(e.subarray(16, 32)).toLowerCase(),
      name: z < 0 ? nameRaw : nameRaw.slice(0, z),
    });
  }
  return out;
}
