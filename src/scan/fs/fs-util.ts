import { AmwError } from '../../errors.ts';

export function formatUuid(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A 64-bit on-disk number as a JS number; beyond 2^53 it can only be corruption. */
export function u64(value: bigint, label: string, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new AmwError('AMW_FS_CORRUPT', `${label}: ${what} ${value} is out of range`);
  }
  return Number(value);
}

export function corrupt(label: string, why: string): AmwError {
  return new AmwError('AMW_FS_CORRUPT', `${label}: ${why}`);
}

/** A small least-recently-used map for parsed inodes and metadata blocks. */
export class Lru<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.set(key, value);
    if (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
  }
}

/** One mapped piece of a file: `length` bytes at file offset `fileOffset` live at `devOffset`. */
export interface Run {
  readonly fileOffset: number;
  readonly devOffset: number;
  readonly length: number;
  /** Unwritten (preallocated) space reads as zeros. */
  readonly zero: boolean;
}

const READ_BATCH = 64;

/** Assembles `size` bytes of a file from its runs; gaps are holes and stay zero. */
export async function readRuns(
  read: (offset: number, length: number) => Promise<Buffer>,
  runs: readonly Run[],
  size: number,
): Promise<Buffer> {
  const out = Buffer.alloc(size);
  const todo = runs.filter((r) => !r.zero && r.fileOffset < size);
  // Many reads in flight, but not one promise per extent of a huge file at once.
  for (let i = 0; i < todo.length; i += READ_BATCH) {
    await Promise.all(
      todo.slice(i, i + READ_BATCH).map(async (r) => {
        const len = Math.min(r.length, size - r.fileOffset);
        const data = await read(r.devOffset, len);
        data.copy(out, r.fileOffset);
      }),
    );
  }
  return out;
}
