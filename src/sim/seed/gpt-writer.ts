import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

const SECTOR = 512;
const ENTRIES = 128;
const ENTRY_SIZE = 128;
/** Sectors the 128-entry partition array takes. */
const ARRAY_SECTORS = (ENTRIES * ENTRY_SIZE) / SECTOR;

export interface GptPartition {
  readonly firstLba: number;
  readonly lastLba: number;
  readonly typeGuid: string;
  readonly uniqueGuid: string;
  readonly name: string;
}

/** A GUID as GPT stores it: the first three fields little-endian, the last two as written. */
export function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a GUID: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([
    Buffer.from(b.subarray(0, 4)).reverse(),
    Buffer.from(b.subarray(4, 6)).reverse(),
    Buffer.from(b.subarray(6, 8)).reverse(),
    b.subarray(8, 16),
  ]);
}

function header(
  diskGuid: string,
  myLba: number,
  altLba: number,
  arrayLba: number,
  lastUsable: number,
  arrayCrc: number,
): Buffer {
  const h = Buffer.alloc(SECTOR);
  h.write('EFI PART', 0, 'latin1');
  h.writeUInt32LE(0x0001_0000, 8);
  h.writeUInt32LE(92, 12);
  h.writeBigUInt64LE(BigInt(myLba), 24);
  h.writeBigUInt64LE(BigInt(altLba), 32);
  h.writeBigUInt64LE(BigInt(2 + ARRAY_SECTORS), 40);
  h.writeBigUInt64LE(BigInt(lastUsable), 48);
  guidBytes(diskGuid).copy(h, 56);
  h.writeBigUInt64LE(BigInt(arrayLba), 72);
  h.writeUInt32LE(ENTRIES, 80);
  h.writeUInt32LE(ENTRY_SIZE, 84);
  h.writeUInt32LE(arrayCrc, 88);
  // The header checksum covers the 92-byte header with its own field zero.
  h.writeUInt32LE(crc32(h.subarray(0, 92)), 16);
  return h;
}

/**
 * Writes a protective MBR and both GPT copies (header and 128-entry array) onto an existing image
 * file of whole sectors, so a seed disk needs no partitioning tool on the machine.
 */
export async function writeGpt(
  image: string,
  diskGuid: string,
  partitions: readonly GptPartition[],
): Promise<void> {
  const fh = await open(image, 'r+');
  try {
    const { size } = await fh.stat();
    if (size % SECTOR !== 0) throw new Error(`${image}: size ${size} is not whole sectors`);
    const last = size / SECTOR - 1;
    const lastUsable = last - 1 - ARRAY_SECTORS;
    if (partitions.length > ENTRIES) throw new Error(`at most ${ENTRIES} partitions`);
    const array = Buffer.alloc(ENTRIES * ENTRY_SIZE);
    partitions.forEach((p, i) => {
      if (p.firstLba < 2 + ARRAY_SECTORS || p.lastLba > lastUsable || p.lastLba < p.firstLba)
        throw new Error(
          `partition ${i + 1} (${p.firstLba}-${p.lastLba}) is outside ${2 + ARRAY_SECTORS}-${lastUsable}`,
        );
      const at = i * ENTRY_SIZE;
      guidBytes(p.typeGuid).copy(array, at);
      guidBytes(p.uniqueGuid).copy(array, at + 16);
      array.writeBigUInt64LE(BigInt(p.firstLba), at + 32);
      array.writeBigUInt64LE(BigInt(p.lastLba), at + 40);
      array.write(p.name.slice(0, 36), at + 56, 'utf16le');
    });
    const arrayCrc = crc32(array);

    const mbr = Buffer.alloc(SECTOR);
    // One protective entry of type 0xEE over the whole disk (capped at what 32 bits can say).
    mbr.set([0x00, 0x00, 0x02, 0x00, 0xee, 0xff, 0xff, 0xff], 446);
    mbr.writeUInt32LE(1, 454);
    mbr.writeUInt32LE(Math.min(last, 0xffff_ffff), 458);
    mbr.writeUInt16LE(0xaa55, 510);

    await fh.write(mbr, 0, SECTOR, 0);
    await fh.write(header(diskGuid, 1, last, 2, lastUsable, arrayCrc), 0, SECTOR, SECTOR);
    await fh.write(array, 0, array.length, 2 * SECTOR);
    await fh.write(array, 0, array.length, (last - ARRAY_SECTORS) * SECTOR);
    await fh.write(
      header(diskGuid, last, 1, last - ARRAY_SECTORS, lastUsable, arrayCrc),
      0,
      SECTOR,
      last * SECTOR,
    );
  } finally {
    await fh.close();
  }
}
