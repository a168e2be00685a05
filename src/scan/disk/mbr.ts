import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';

export interface PartitionEntry {
  /** 1-based, as Linux numbers them (logical MBR partitions start at 5). */
  readonly number: number;
  readonly start: number;
  readonly size: number;
  /** MBR type byte as two hex digits, or the GPT type GUID. */
  readonly type: string;
  readonly name?: string;
  readonly uuid?: string;
}

const EXTENDED = new Set([0x05, 0x0f, 0x85]);
export const MBR_PROTECTIVE = 0xee;
const MAX_LOGICAL = 128;

export function hasMbrSignature(sector0: Buffer): boolean {
  return sector0.length >= 512 && sector0[510] === 0x55 && sector0[511] === 0xaa;
}

interface RawEntry {
  type: number;
  lba: number;
  sectors: number;
}

function entries(sector: Buffer): RawEntry[] {
  const out: RawEntry[] = [];
  for (let i = 0; i < 4; i++) {
    const e = 446 + i * 16;
    out.push({ type: sector[e + 4]!, lba: sector.readUInt32LE(e + 8), sectors: sector.readUInt32LE(e + 12) });
  }
  return out;
}

/** Primary partitions plus the chain of logical ones inside an extended partition. */
export async function readMbr(dev: BlockDevice, sector0: Buffer): Promise<PartitionEntry[]> {
  const bad = (why: string): never => {
    throw new AmwError('AMW_DISK_BAD_MBR', `${dev.label}: MBR: ${why}`);
  };
  if (!hasMbrSignature(sector0)) bad('no 55AA signature');
  const sectors = Math.floor(dev.size / 512);
  const check = (lba: number, count: number, what: string): void => {
    if (lba === 0 || count === 0 || lba + count > sectors) {
      bad(`${what} spans sectors ${lba}+${count}, beyond the ${sectors}-sector disk`);
    }
  };
  const out: PartitionEntry[] = [];
  let extended: RawEntry | undefined;
  entries(sector0).forEach((e, i) => {
    if (e.type === 0) return;
    check(e.lba, e.sectors, `partition ${i + 1}`);
    if (EXTENDED.has(e.type)) {
      if (extended) bad('more than one extended partition');
      extended = e;
      return;
    }
    out.push({ number: i + 1, start: e.lba * 512, size: e.sectors * 512, type: hex2(e.type) });
  });
  if (extended) {
    const ext = extended;
    const seen = new Set<number>();
    let ebr = ext.lba;
    for (let n = 5; ; n++) {
      if (n - 5 >= MAX_LOGICAL) bad('too many logical partitions');
      if (seen.has(ebr)) bad(`logical partition chain loops at sector ${ebr}`);
      seen.add(ebr);
      const sec = await dev.read(ebr * 512, 512);
      if (!hasMbrSignature(sec)) bad(`extended boot record at sector ${ebr} has no signature`);
      const [own, next] = entries(sec);
      if (own && own.type !== 0) {
        const lba = ebr + own.lba;
        check(lba, own.sectors, `logical partition ${n}`);
        if (lba + own.sectors > ext.lba + ext.sectors)
          bad(`logical partition ${n} leaves the extended partition`);
        out.push({ number: n, start: lba * 512, size: own.sectors * 512, type: hex2(own.type) });
      }
      if (!next || next.type === 0 || next.lba === 0) break;
      ebr = ext.lba + next.lba;
      check(ebr, 1, 'extended boot record');
    }
  }
  return out;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
