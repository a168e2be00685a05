import type { BlockDevice } from './block-device.ts';
import { checkRange } from './block-device.ts';

export interface BlockCacheOptions {
  /** Cache granularity in bytes (a power of two). */
  blockSize?: number;
  /** Blocks kept; least recently used go first. */
  maxBlocks?: number;
}

/**
 * Aligns reads to cache blocks, keeps the recent ones, and merges concurrent asks for the same
 * block into one fetch. Different blocks are fetched in parallel.
 */
export class CachedDevice implements BlockDevice {
  readonly label: string;
  readonly size: number;
  private readonly blockSize: number;
  private readonly maxBlocks: number;
  private readonly blocks = new Map<number, Buffer>();
  private readonly inflight = new Map<number, Promise<Buffer>>();

  constructor(
    private readonly inner: BlockDevice,
    options: BlockCacheOptions = {},
  ) {
    this.label = inner.label;
    this.size = inner.size;
    this.blockSize = options.blockSize ?? 64 * 1024;
    this.maxBlocks = options.maxBlocks ?? 1024;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    if (length === 0) return Buffer.alloc(0);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    const parts: Promise<Buffer>[] = [];
    for (let i = first; i <= last; i++) parts.push(this.block(i));
    const blocks = await Promise.all(parts);
    if (blocks.length === 1) {
      const start = offset - first * this.blockSize;
      return Buffer.from(blocks[0]!.subarray(start, start + length));
    }
    const out = Buffer.alloc(length);
    let pos = 0;
    for (let i = 0; i < blocks.length; i++) {
      const blockStart = (first + i) * this.blockSize;
      const from = Math.max(offset, blockStart) - blockStart;
      const to = Math.min(offset + length, blockStart + this.blockSize) - blockStart;
      blocks[i]!.copy(out, pos, from, to);
      pos += to - from;
    }
    return out;
  }

  private block(index: number): Promise<Buffer> {
    const hit = this.blocks.get(index);
    if (hit) {
      this.blocks.delete(index);
      this.blocks.set(index, hit);
      return Promise.resolve(hit);
    }
    const pending = this.inflight.get(index);
    if (pending) return pending;
    const start = index * this.blockSize;
    const len = Math.min(this.blockSize, this.size - start);
    const p = this.inner.read(start, len).then(
      (buf) => {
        this.inflight.delete(index);
        this.blocks.set(index, buf);
        if (this.blocks.size > this.maxBlocks) {
          const oldest = this.blocks.keys().next().value;
          if (oldest !== undefined) this.blocks.delete(oldest);
        }
        return buf;
      },
      (err: unknown) => {
        this.inflight.delete(index);
        throw err;
      },
    );
    this.inflight.set(index, p);
    return p;
  }

  close(): Promise<void> {
    this.blocks.clear();
    return this.inner.close?.() ?? Promise.resolve();
  }
}
