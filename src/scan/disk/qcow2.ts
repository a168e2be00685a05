import { inflateRaw, inflateRawSync } from 'node:zlib';
import { promisify } from 'node:util';
import type { BlockDevice } from './block-device.ts';
import { CachedDevice } from './block-cache.ts';
import type { Qcow2Header } from './qcow2-header.ts';
import { readQcow2Header } from './qcow2-header.ts';
import { SparseImageDevice } from './sparse-image.ts';
import type { UnitMap } from './sparse-image.ts';

const inflateRawAsync = promisify(inflateRaw);

/** Small clusters inflate faster inline than through the thread pool; big ones must not block. */
const SYNC_INFLATE_MAX = 64 * 1024;
const OFFSET_MASK = 0x00fffffffffffe00n;
const L1_RESERVED = 0x7f000000000001fen;
const L2_RESERVED = 0x3f000000000001fen;
const COMPRESSED = 1n << 62n;
const ZERO_FLAG = 1n;

/**
 * A qcow2 file (versions 2 and 3) read as the virtual disk it holds: L1 -> L2 -> cluster, with
 * unallocated and zero-flagged clusters reading as zeros, zlib-compressed clusters inflated, and
 * extended L2 entries (32 subclusters per cluster). Tables are read in small slices through a
 * block cache, so a lookup in a 2 MiB-cluster image reads kilobytes of L2, not megabytes.
 */
export class Qcow2Device extends SparseImageDevice {
  readonly label: string;
  readonly size: number;
  private readonly tables: CachedDevice;

  private constructor(
    host: BlockDevice,
    readonly header: Qcow2Header,
  ) {
    super(host, header.clusterSize);
    this.label = `${host.label} (qcow2)`;
    this.size = header.size;
    this.tables = new CachedDevice(host, { blockSize: Math.min(4096, header.clusterSize), maxBlocks: 2048 });
  }

  static async open(host: BlockDevice): Promise<Qcow2Device> {
    return new Qcow2Device(host, await readQcow2Header(host));
  }

  protected async locate(cluster: number): Promise<UnitMap> {
    const h = this.header;
    const l2Entries = h.clusterSize / h.l2EntryBytes;
    const l1Index = Math.floor(cluster / l2Entries);
    const l1 = (await this.tables.read(h.l1Offset + l1Index * 8, 8)).readBigUInt64BE(0);
    if (l1 & L1_RESERVED) throw this.corrupt(`L1 entry ${l1Index} has reserved bits set`);
    const l2Table = Number(l1 & OFFSET_MASK);
    if (l2Table === 0) return { kind: 'zero' };
    if (l2Table % h.clusterSize !== 0) throw this.corrupt(`L1 entry ${l1Index} is not cluster aligned`);
    this.checkHost(l2Table, h.clusterSize, `L2 table of L1 entry ${l1Index}`);

    const at = l2Table + (cluster % l2Entries) * h.l2EntryBytes;
    const entry = await this.tables.read(at, h.l2EntryBytes);
    const l2 = entry.readBigUInt64BE(0);
    if (l2 & COMPRESSED) return this.compressed(cluster, l2);
    if (l2 & L2_RESERVED) throw this.corrupt(`L2 entry of cluster ${cluster} has reserved bits set`);
    const host = Number(l2 & OFFSET_MASK);
    if (h.extendedL2) {
      if (l2 & ZERO_FLAG) throw this.corrupt(`L2 entry of cluster ${cluster} has reserved bit 0 set`);
      const bitmap = entry.readBigUInt64BE(8);
      const allocated = Number(bitmap & 0xffffffffn);
      const zeros = Number(bitmap >> 32n);
      if (allocated & zeros) throw this.corrupt(`subclusters of cluster ${cluster} both allocated and zero`);
      if (allocated === 0) return { kind: 'zero' };
      if (host === 0) throw this.corrupt(`cluster ${cluster} has allocated subclusters but no offset`);
      this.checkData(cluster, host);
      return { kind: 'subunits', host, subSize: h.clusterSize / 32, allocated };
    }
    if (l2 & ZERO_FLAG) {
      if (h.version === 2) throw this.corrupt(`L2 entry of cluster ${cluster} sets the v3 zero flag`);
      return { kind: 'zero' };
    }
    if (host === 0) return { kind: 'zero' };
    this.checkData(cluster, host);
    return { kind: 'data', host };
  }

  private checkData(cluster: number, host: number): void {
    if (host % this.header.clusterSize !== 0)
      throw this.corrupt(`cluster ${cluster} is not aligned in the file`);
    this.checkHost(host, 1, `cluster ${cluster}`);
  }

  private compressed(cluster: number, l2: bigint): UnitMap {
    // The descriptor: offset in the low x bits, extra 512-byte sectors above, x = 62 - (bits - 8).
    const x = BigInt(62 - (this.header.clusterBits - 8));
    const hostBig = l2 & ((1n << x) - 1n);
    if (hostBig >= 1n << 56n) throw this.corrupt(`compressed cluster ${cluster} offset is out of range`);
    const host = Number(hostBig);
    const sectors = Number((l2 & ~COMPRESSED & ~(1n << 63n)) >> x) + 1;
    // The sector count may run past the end of the file for the last cluster: read what is there.
    if (host >= this.host.size) this.checkHost(host, 1, `compressed cluster ${cluster}`);
    const length = Math.min(sectors * 512 - (host % 512), this.host.size - host);
    this.checkHost(host, length, `compressed cluster ${cluster}`);
    return { kind: 'compressed', host, length };
  }

  protected async inflate(cluster: number, m: { host: number; length: number }): Promise<Buffer> {
    const packed = await this.host.read(m.host, m.length);
    let out: Buffer;
    try {
      const opts = { maxOutputLength: this.header.clusterSize };
      out =
        opts.maxOutputLength <= SYNC_INFLATE_MAX
          ? inflateRawSync(packed, opts)
          : await inflateRawAsync(packed, opts);
    } catch (err) {
      throw this.corrupt(`compressed cluster ${cluster} does not inflate: ${(err as Error).message}`);
    }
    if (out.length !== this.header.clusterSize) {
      throw this.corrupt(`compressed cluster ${cluster} inflates to ${out.length} bytes`);
    }
    return out;
  }
}
