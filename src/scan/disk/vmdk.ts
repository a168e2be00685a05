import { inflate, inflateSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { BlockDevice } from './block-device.ts';
import { CachedDevice } from './block-cache.ts';
import { SparseImageDevice } from './sparse-image.ts';
import type { UnitMap } from './sparse-image.ts';
import type { VmdkHeader } from './vmdk-header.ts';
import { readVmdkHeader } from './vmdk-header.ts';

const inflateAsync = promisify(inflate);
const SECTOR = 512;
/** Small units inflate faster inline than through the thread pool; big ones must not block. */
const SYNC_INFLATE_MAX = 64 * 1024;
/** A grain marker: the grain's first virtual sector (u64) and its compressed size (u32). */
const MARKER_BYTES = 12;

/**
 * A monolithic VMDK (one hosted sparse extent: monolithicSparse or streamOptimized) read as its
 * virtual disk: grain directory -> grain table -> grain. Grains never written, and grains marked
 * zero, read as zeros; streamOptimized grains are zlib streams behind a marker naming their sector.
 */
export class VmdkDevice extends SparseImageDevice {
  readonly label: string;
  readonly size: number;
  private readonly tables: CachedDevice;

  private constructor(
    host: BlockDevice,
    readonly header: VmdkHeader,
  ) {
    super(host, header.grainBytes);
    this.label = `${host.label} (vmdk ${header.createType})`;
    this.size = header.size;
    this.tables = new CachedDevice(host, { blockSize: 4096, maxBlocks: 2048 });
  }

  static async open(host: BlockDevice): Promise<VmdkDevice> {
    return new VmdkDevice(host, await readVmdkHeader(host));
  }

  protected async locate(grain: number): Promise<UnitMap> {
    const h = this.header;
    const gdIndex = Math.floor(grain / h.gtEntries);
    const gt = (await this.tables.read(h.gdOffset + gdIndex * 4, 4)).readUInt32LE(0) * SECTOR;
    if (gt === 0) return { kind: 'zero' };
    this.checkHost(gt, h.gtEntries * 4, `grain table ${gdIndex}`, SECTOR);
    const gte = (await this.tables.read(gt + (grain % h.gtEntries) * 4, 4)).readUInt32LE(0);
    if (gte === 0 || (gte === 1 && h.zeroGrains)) return { kind: 'zero' };
    const host = gte * SECTOR;
    if (!h.compressed) {
      // Only the part of the last grain inside the capacity has to be in the file.
      this.checkHost(
        host,
        Math.min(h.grainBytes, this.size - grain * h.grainBytes),
        `grain ${grain}`,
        SECTOR,
      );
      return { kind: 'data', host };
    }
    this.checkHost(host, MARKER_BYTES, `marker of grain ${grain}`, SECTOR);
    const marker = await this.tables.read(host, MARKER_BYTES);
    const lba = marker.readBigUInt64LE(0);
    const length = marker.readUInt32LE(8);
    if (lba !== BigInt(grain * h.grainSectors)) {
      throw this.corrupt(`marker of grain ${grain} names sector ${lba}, not ${grain * h.grainSectors}`);
    }
    if (length === 0 || length > 2 * h.grainBytes + 1024) {
      throw this.corrupt(`grain ${grain} claims ${length} compressed bytes`);
    }
    this.checkHost(host + MARKER_BYTES, length, `grain ${grain}`, SECTOR);
    return { kind: 'compressed', host: host + MARKER_BYTES, length };
  }

  protected async inflate(grain: number, m: { host: number; length: number }): Promise<Buffer> {
    const packed = await this.host.read(m.host, m.length);
    let out: Buffer;
    try {
      const opts = { maxOutputLength: this.header.grainBytes };
      out =
        opts.maxOutputLength <= SYNC_INFLATE_MAX
          ? inflateSync(packed, opts)
          : await inflateAsync(packed, opts);
    } catch (err) {
      throw this.corrupt(`grain ${grain} does not inflate: ${(err as Error).message}`);
    }
    // Only the last grain may stop short of a full grain (at the capacity).
    const want = Math.min(this.header.grainBytes, this.size - grain * this.header.grainBytes);
    if (out.length < want) throw this.corrupt(`grain ${grain} inflates to ${out.length} of ${want} bytes`);
    return out;
  }
}
