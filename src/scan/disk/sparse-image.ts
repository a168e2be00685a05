import { AmwError } from '../../errors.ts';
import type { BlockDevice } from './block-device.ts';
import { checkRange } from './block-device.ts';
import { CachedDevice } from './block-cache.ts';

/** Where one allocation unit (qcow2 cluster, VMDK grain) of the virtual disk lives in the file. */
export type UnitMap =
  | { kind: 'zero' }
  /** The whole unit, uncompressed, at `host`. */
  | { kind: 'data'; host: number }
  /** Compressed; the format's `inflate` turns it into the unit's bytes. */
  | { kind: 'compressed'; host: number; length: number }
  /** qcow2 extended L2: subunit i is at host + i*subSize when bit i of `allocated` is set, else zeros. */
  | { kind: 'subunits'; host: number; subSize: number; allocated: number };

/** Unit locations remembered (a table walk per unit per read is most of a read's cost). */
const MAX_MAPS = 64 * 1024;
/** Decompressed units kept; bounded in bytes so a 2 MiB unit size cannot hold gigabytes. */
const INFLATED_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * A virtual disk stored sparsely in one file: reads are split by unit, each unit located through
 * the format's tables (`locate`), uncompressed units read straight from the file (neighbours that
 * are contiguous in the file in one read), compressed ones inflated once and cached, with
 * concurrent asks for one unit sharing one inflate.
 */
export abstract class SparseImageDevice implements BlockDevice {
  abstract readonly label: string;
  abstract readonly size: number;
  private inflated: CachedDevice | undefined;
  private readonly maps = new Map<number, Promise<UnitMap>>();

  constructor(
    protected readonly host: BlockDevice,
    protected readonly unitSize: number,
  ) {}

  /** The unit's place in the file; every offset it returns is checked against the file. */
  protected abstract locate(unit: number): Promise<UnitMap>;
  /** The unit's bytes (at most `unitSize`; shorter means the rest is zeros). */
  protected abstract inflate(unit: number, map: Extract<UnitMap, { kind: 'compressed' }>): Promise<Buffer>;

  protected corrupt(what: string): AmwError {
    return new AmwError('AMW_FS_CORRUPT', `${this.label}: ${what}`);
  }

  /** Throws unless `host..host+length` lies in the file, past its first unit (the header). */
  protected checkHost(host: number, length: number, what: string, headerBytes = this.unitSize): void {
    if (!Number.isSafeInteger(host) || host < headerBytes || host + length > this.host.size) {
      throw this.corrupt(`${what} at ${host} (+${length}) is outside the file (${this.host.size} bytes)`);
    }
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    const out = Buffer.alloc(length);
    const u = this.unitSize;
    const pieces: { at: number; len: number; pos: number }[] = [];
    for (let at = offset; at < offset + length;) {
      const len = Math.min(u - (at % u), offset + length - at);
      pieces.push({ at, len, pos: at - offset });
      at += len;
    }
    const maps = await Promise.all(pieces.map((p) => this.unitMap(Math.floor(p.at / u))));
    // Runs of uncompressed pieces that follow each other both in the disk and in the file.
    const runs: { host: number; len: number; pos: number }[] = [];
    const work: Promise<void>[] = [];
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      const m = maps[i]!;
      const within = p.at % u;
      if (m.kind === 'data') {
        const last = runs[runs.length - 1];
        const host = m.host + within;
        if (last && last.host + last.len === host && last.pos + last.len === p.pos) last.len += p.len;
        else runs.push({ host, len: p.len, pos: p.pos });
      } else if (m.kind === 'compressed') {
        work.push(
          this.inflatedView()
            .read(p.at, p.len)
            .then((b) => void b.copy(out, p.pos)),
        );
      } else if (m.kind === 'subunits') {
        for (let s = Math.floor(within / m.subSize); s * m.subSize < within + p.len; s++) {
          if (!(m.allocated & (1 << s))) continue;
          const from = Math.max(within, s * m.subSize);
          const to = Math.min(within + p.len, (s + 1) * m.subSize);
          runs.push({ host: m.host + from, len: to - from, pos: p.pos + from - within });
        }
      }
    }
    for (const r of runs) {
      // A unit may end past the end of the file (qemu writes only the subclusters it needs):
      // like qemu, the missing tail reads as zeros. Its start was checked to be in the file.
      const len = Math.min(r.len, this.host.size - r.host);
      if (len > 0) work.push(this.host.read(r.host, len).then((b) => void b.copy(out, r.pos)));
    }
    await Promise.all(work);
    return out;
  }

  /** `locate`, remembered; concurrent asks for one unit share one table walk. */
  private unitMap(unit: number): Promise<UnitMap> {
    const known = this.maps.get(unit);
    if (known) return known;
    if (this.maps.size >= MAX_MAPS) this.maps.clear();
    const p = this.locate(unit);
    this.maps.set(unit, p);
    p.catch(() => this.maps.delete(unit));
    return p;
  }

  /** Inflated units by virtual offset, behind the shared block cache (LRU, merged concurrent asks). */
  private inflatedView(): CachedDevice {
    if (!this.inflated) {
      const view: BlockDevice = {
        label: this.label,
        size: this.size,
        read: (start, len) => this.inflateUnit(start, len),
      };
      this.inflated = new CachedDevice(view, {
        blockSize: this.unitSize,
        maxBlocks: Math.max(4, Math.floor(INFLATED_CACHE_BYTES / this.unitSize)),
      });
    }
    return this.inflated;
  }

  private async inflateUnit(start: number, len: number): Promise<Buffer> {
    const unit = Math.floor(start / this.unitSize);
    const m = await this.unitMap(unit);
    if (m.kind !== 'compressed') throw this.corrupt(`unit ${unit} changed kind`);
    const bytes = await this.inflate(unit, m);
    if (bytes.length > this.unitSize) throw this.corrupt(`unit ${unit} inflates past its size`);
    if (bytes.length >= len) return bytes.subarray(0, len);
    const padded = Buffer.alloc(len);
    bytes.copy(padded);
    return padded;
  }

  async close(): Promise<void> {
    await this.inflated?.close();
    await this.host.close?.();
  }
}
