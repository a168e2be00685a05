import { createHash } from 'node:crypto';
import type { EBSClient } from '@aws-sdk/client-ebs';
import { GetSnapshotBlockCommand, ListSnapshotBlocksCommand } from '@aws-sdk/client-ebs';
import { AmwError, messageOf } from '../../errors.ts';
import type { BlockDevice } from '../disk/block-device.ts';
import { checkRange } from '../disk/block-device.ts';
import type { AssembledImage } from '../fs/assemble.ts';
import { assembleImage } from '../fs/assemble.ts';
import type { PrefetchOptions } from '../vfs/prefetch.ts';
import type { Vfs } from '../vfs/vfs.ts';
import { earlyAssembleOptions, prefetchEarlyReads } from './early-reads.ts';

export interface EbsSourceOptions {
  /** An EBS client (src/aws builds them: endpoint, credentials, region). */
  readonly client: EBSClient;
  /** GetSnapshotBlock calls in flight at once. */
  readonly concurrency?: number;
  /** Blocks kept in memory (512 KiB each). */
  readonly cacheBlocks?: number;
  /** Further attempts per block after a failure or a checksum mismatch. */
  readonly retries?: number;
  /** Read-ahead of what the checks declare (on by default; budgets in PrefetchOptions). */
  readonly prefetch?: PrefetchOptions;
  /**
   * Globs the scan's checks may read, known before the source opens (plannedReads over
   * selectForAnyOs). The root's inode tables are read ahead at once only when one of them walks
   * the whole tree (`/**`); unset, they are, as for a full scan.
   */
  readonly plannedGlobs?: readonly string[];
  /**
   * Shared by the devices of one image, so `rounds` counts the chains that run from one volume's
   * calls into another's (the volumes of an AMI opened one after another); each device's own otherwise.
   */
  readonly rounds?: RoundClock;
}

/** The highest round whose call has finished, across the devices that share it. */
export interface RoundClock {
  finished: number;
}

export interface EbsStats {
  listCalls: number;
  blockCalls: number;
  bytes: number;
  /** Reads of blocks never written: zeros, no call. */
  zeroBlocks: number;
  maxInFlight: number;
  /**
   * Milliseconds during which at least one GetSnapshotBlock call was in flight: the time the scan
   * spent on the network, whatever the CPU did meanwhile (benchmarks compare it with the ideal).
   */
  busyMs: number;
  /**
   * The longest chain of calls that waited for one another: a call started after another finished
   * is one round later. Times latency, it is the network's share of the wall time, whatever the
   * machine's load; all calls independent would need blocks / concurrency rounds.
   */
  rounds: number;
}

const GIB = 1024 ** 3;
/** Runs at most `limit` tasks at once, in arrival order. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(
    private readonly limit: number,
    private readonly onStart: (active: number) => void,
    private readonly onIdle: () => void = () => undefined,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    this.onStart(this.active);
    try {
      return await task();
    } finally {
      this.active--;
      const next = this.waiting.shift();
      if (next) next();
      else if (this.active === 0) this.onIdle();
    }
  }
}

/**
 * An EBS snapshot as a block device through the EBS direct API: the block list is fetched once,
 * blocks are fetched lazily, many at once, checked against their SHA-256 and cached; blocks
 * that were never written read as zeros without a call.
 */
export class EbsSnapshotDevice implements BlockDevice {
  readonly stats: EbsStats = {
    listCalls: 0,
    blockCalls: 0,
    bytes: 0,
    zeroBlocks: 0,
    maxInFlight: 0,
    busyMs: 0,
    rounds: 0,
  };
  /** The latest round among the calls finished so far. */
  private readonly clock: RoundClock;
  private busySince: number | undefined;
  private readonly cache = new Map<number, Buffer>();
  private readonly inflight = new Map<number, Promise<Buffer>>();
  private readonly limiter: Limiter;
  private readonly zero: Buffer;

  private constructor(
    readonly label: string,
    readonly size: number,
    private readonly blockSize: number,
    private readonly tokens: Map<number, string>,
    private readonly snapshotId: string,
    private readonly opts: EbsSourceOptions,
  ) {
    this.clock = opts.rounds ?? { finished: 0 };
    this.limiter = new Limiter(
      opts.concurrency ?? 16,
      (n) => {
        this.stats.maxInFlight = Math.max(this.stats.maxInFlight, n);
        this.busySince ??= performance.now();
      },
      () => {
        if (this.busySince !== undefined) this.stats.busyMs += performance.now() - this.busySince;
        this.busySince = undefined;
      },
    );
    this.zero = Buffer.alloc(blockSize);
  }

  static async open(snapshotId: string, opts: EbsSourceOptions): Promise<EbsSnapshotDevice> {
    const tokens = new Map<number, string>();
    let next: string | undefined;
    let volumeGiB = 0;
    let blockSize = 0;
    let listCalls = 0;
    try {
      do {
        const out = await opts.client.send(
          new ListSnapshotBlocksCommand({ SnapshotId: snapshotId, MaxResults: 10_000, NextToken: next }),
        );
        listCalls++;
        volumeGiB = out.VolumeSize ?? volumeGiB;
        blockSize = out.BlockSize ?? blockSize;
        for (const b of out.Blocks ?? []) {
          if (b.BlockIndex !== undefined && b.BlockToken) tokens.set(b.BlockIndex, b.BlockToken);
        }
        next = out.NextToken;
      } while (next);
    } catch (err) {
      throw new AmwError(
        'AMW_SCAN_SOURCE',
        `ebs:${snapshotId}: cannot list the snapshot's blocks: ${messageOf(err)}`,
        {
          cause: err,
        },
      );
    }
    if (blockSize <= 0 || blockSize > 16 * 1024 * 1024 || volumeGiB <= 0) {
      throw new AmwError(
        'AMW_SCAN_SOURCE',
        `ebs:${snapshotId}: block size ${blockSize}, volume ${volumeGiB} GiB`,
      );
    }
    const dev = new EbsSnapshotDevice(
      `ebs:${snapshotId}`,
      volumeGiB * GIB,
      blockSize,
      tokens,
      snapshotId,
      opts,
    );
    dev.stats.listCalls = listCalls;
    return dev;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    if (length === 0) return Buffer.alloc(0);
    const first = Math.floor(offset / this.blockSize);
    const last = Math.floor((offset + length - 1) / this.blockSize);
    const blocks = await Promise.all(
      Array.from({ length: last - first + 1 }, (_, i) => this.block(first + i)),
    );
    const out = Buffer.alloc(length);
    let pos = 0;
    blocks.forEach((b, i) => {
      const start = (first + i) * this.blockSize;
      const from = Math.max(offset, start) - start;
      const to = Math.min(offset + length, start + this.blockSize) - start;
      b.copy(out, pos, from, to);
      pos += to - from;
    });
    return out;
  }

  private block(index: number): Promise<Buffer> {
    const token = this.tokens.get(index);
    if (token === undefined) {
      this.stats.zeroBlocks++;
      return Promise.resolve(this.zero);
    }
    const hit = this.cache.get(index);
    if (hit) {
      this.cache.delete(index);
      this.cache.set(index, hit);
      return Promise.resolve(hit);
    }
    const pending = this.inflight.get(index);
    if (pending) return pending;
    const p = this.limiter.run(() => this.fetch(index, token)).finally(() => this.inflight.delete(index));
    this.inflight.set(index, p);
    return p.then((buf) => {
      this.cache.set(index, buf);
      if (this.cache.size > (this.opts.cacheBlocks ?? 256)) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      return buf;
    });
  }

  private async fetch(index: number, token: string): Promise<Buffer> {
    const round = this.clock.finished + 1;
    this.stats.rounds = Math.max(this.stats.rounds, round);
    try {
      return await this.fetchOnce(index, token);
    } finally {
      this.clock.finished = Math.max(this.clock.finished, round);
    }
  }

  private async fetchOnce(index: number, token: string): Promise<Buffer> {
    const attempts = 1 + (this.opts.retries ?? 3);
    let last: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        this.stats.blockCalls++;
        const out = await this.opts.client.send(
          new GetSnapshotBlockCommand({ SnapshotId: this.snapshotId, BlockIndex: index, BlockToken: token }),
        );
        if (!out.BlockData) throw new Error('no block data');
        const data = Buffer.from(await out.BlockData.transformToByteArray());
        if (data.length !== this.blockSize)
          throw new Error(`${data.length} bytes, expected ${this.blockSize}`);
        if (out.ChecksumAlgorithm === 'SHA256' || out.Checksum) {
          const sum = createHash('sha256').update(data).digest('base64');
          if (sum !== out.Checksum) throw new Error('checksum mismatch');
        }
        this.stats.bytes += data.length;
        return data;
      } catch (err) {
        last = err;
      }
    }
    throw new AmwError(
      'AMW_EBS_BLOCK',
      `${this.label}: block ${index} failed after ${attempts} attempts: ${messageOf(last)}`,
      { cause: last },
    );
  }
}

export interface EbsSource {
  readonly vfs: Vfs;
  readonly image: AssembledImage;
  readonly device: EbsSnapshotDevice;
  close(): Promise<void>;
}

/** `ebs:snap-…`: the snapshot's disk read through the EBS direct API, assembled like a disk file. */
export async function openEbsSource(spec: string, opts: EbsSourceOptions): Promise<EbsSource> {
  const id = spec.startsWith('ebs:') ? spec.slice(4) : spec;
  if (!/^snap-[0-9a-f]+$/.test(id)) throw new AmwError('AMW_SCAN_SOURCE', `not a snapshot id: ${spec}`);
  const device = await EbsSnapshotDevice.open(id, opts);
  const image = await assembleImage(device, earlyAssembleOptions(opts.prefetch, opts.plannedGlobs));
  prefetchEarlyReads(image.vfs, opts.prefetch);
  return { vfs: image.vfs, image, device, close: () => image.vfs.close() };
}
