import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { AmwError } from '../../errors.ts';

/**
 * A random-access, read-only byte source: a disk file, a partition inside it, a logical volume,
 * an EBS snapshot. Reads are async and may run many at once; nothing here serialises them.
 */
export interface BlockDevice {
  readonly label: string;
  /** Size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes at `offset`; a range outside the device throws AMW_FS_CORRUPT. */
  read(offset: number, length: number): Promise<Buffer>;
  close?(): Promise<void>;
}

/** Largest single read a reader may ask for; larger asks mean a corrupt length field. */
export const MAX_READ_BYTES = 64 * 1024 * 1024;

export function checkRange(dev: { label: string; size: number }, offset: number, length: number): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    length > MAX_READ_BYTES ||
    offset + length > dev.size
  ) {
    throw new AmwError(
      'AMW_FS_CORRUPT',
      `${dev.label}: read of ${length} bytes at ${offset} is outside the device (${dev.size} bytes)`,
    );
  }
}

export class FileBlockDevice implements BlockDevice {
  private constructor(
    readonly label: string,
    readonly size: number,
    private readonly fh: FileHandle,
  ) {}

  static async open(path: string): Promise<FileBlockDevice> {
    let fh: FileHandle;
    try {
      fh = await open(path, 'r');
    } catch (err) {
      throw new AmwError('AMW_SCAN_SOURCE', `cannot open disk image ${path}`, { cause: err });
    }
    const st = await fh.stat();
    return new FileBlockDevice(`file:${path}`, st.size, fh);
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(buf, done, length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done < length) throw new AmwError('AMW_FS_CORRUPT', `${this.label}: short read at ${offset}`);
    return buf;
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

export class BufferBlockDevice implements BlockDevice {
  readonly size: number;
  constructor(
    readonly label: string,
    private readonly buf: Buffer,
  ) {
    this.size = buf.length;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    return Buffer.from(this.buf.subarray(offset, offset + length));
  }
}

/** A window of another device: a partition, or a filesystem at an offset. */
export class SliceDevice implements BlockDevice {
  constructor(
    readonly label: string,
    private readonly inner: BlockDevice,
    private readonly start: number,
    readonly size: number,
  ) {
    if (start < 0 || size < 0 || start + size > inner.size) {
      throw new AmwError('AMW_FS_CORRUPT', `${label}: window ${start}+${size} exceeds ${inner.label}`);
    }
  }

  read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    return this.inner.read(this.start + offset, length);
  }
}

export interface ReadStats {
  reads: number;
  bytes: number;
}

/** Counts what is really asked of the device below it (put it under the cache). */
export class CountingDevice implements BlockDevice {
  readonly stats: ReadStats = { reads: 0, bytes: 0 };
  readonly label: string;
  readonly size: number;
  constructor(private readonly inner: BlockDevice) {
    this.label = inner.label;
    this.size = inner.size;
  }

  read(offset: number, length: number): Promise<Buffer> {
    this.stats.reads++;
    this.stats.bytes += length;
    return this.inner.read(offset, length);
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}
