import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockDevice } from '../../src/scan/disk/block-device.ts';
import { checkRange } from '../../src/scan/disk/block-device.ts';
import { assembleImage } from '../../src/scan/fs/assemble.ts';
import { isAmwError } from '../../src/errors.ts';
import { isVfsError } from '../../src/scan/vfs/vfs.ts';
import type { Vfs } from '../../src/scan/vfs/vfs.ts';
import { rng } from '../../src/seeded-rng.ts';

/** A disk held in memory with byte patches on top and an optional cut; counts and caps reads. */
export class PatchedDevice implements BlockDevice {
  readonly label = 'fuzz';
  readonly size: number;
  reads = 0;
  readonly log: [number, number][] | undefined;

  constructor(
    private readonly base: Buffer,
    private readonly patches: readonly { offset: number; bytes: Buffer }[],
    size: number,
    private readonly readBudget: number,
    record = false,
  ) {
    this.size = size;
    this.log = record ? [] : undefined;
  }

  async read(offset: number, length: number): Promise<Buffer> {
    checkRange(this, offset, length);
    if (++this.reads > this.readBudget) throw new Error(`read budget of ${this.readBudget} exceeded`);
    this.log?.push([offset, length]);
    const view = this.base.subarray(offset, offset + length);
    const touched = this.patches.some(
      (p) => p.offset < offset + length && p.offset + p.bytes.length > offset,
    );
    // The readers never write into what they read, so an untouched range can be a view.
    if (!touched) return view;
    const out = Buffer.from(view);
    for (const p of this.patches) {
      const from = Math.max(offset, p.offset);
      const to = Math.min(offset + length, p.offset + p.bytes.length);
      if (from < to) p.bytes.copy(out, from - offset, from - p.offset, to - p.offset);
    }
    return out;
  }
}

/** Opens the disk a file holds (qcow2, VMDK) before assembly; absent means the file is the disk. */
export type OpenDisk = (file: BlockDevice) => Promise<BlockDevice>;

/**
 * What a scan asks of an image: find the root, place mounts, then typical lookups and a bounded
 * walk. Returns the error codes the lookups met (empty when all worked); an unclear error throws.
 */
export async function exercise(dev: BlockDevice, open?: OpenDisk): Promise<string[]> {
  const { vfs } = await assembleImage(open ? await open(dev) : dev);
  const codes: string[] = [];
  const attempt = async (fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      if (!isVfsError(err) && !isAmwError(err)) throw err;
      codes.push(err.code);
    }
  };
  await attempt(() => vfs.stat('/etc/shadow'));
  await attempt(() => vfs.readFile('/etc/os-release', { maxBytes: 64 * 1024 }));
  await attempt(() => vfs.readlink('/etc/long-link'));
  // The fixture's symlink loop must be refused (on a mutated image it may have become a file).
  await attempt(async () => {
    if ((await vfs.lstat('/etc/loop-a')).type !== 'symlink') return;
    await vfs.stat('/etc/loop-a').then(
      () => codes.push('loop-resolved'),
      (err: unknown) => {
        if (!isVfsError(err, 'ELOOP')) throw err;
      },
    );
  });
  await attempt(() => walk(vfs, Number(process.env['AMW_FUZZ_WALK'] ?? 16), codes));
  return codes;
}

/** Visits up to `limit` entries, reading small files; inode numbers stop directory cycles. */
export async function walk(vfs: Vfs, limit: number, codes: string[] = []): Promise<number> {
  const seen = new Set<number>();
  const queue = ['/'];
  let n = 0;
  while (queue.length > 0 && n < limit) {
    const dir = queue.shift()!;
    const st = await vfs.lstat(dir);
    if (seen.has(st.ino)) continue;
    seen.add(st.ino);
    for (const e of await vfs.readdir(dir)) {
      if (++n > limit) break;
      const p = dir === '/' ? `/${e.name}` : `${dir}/${e.name}`;
      try {
        const cst = await vfs.lstat(p);
        if (cst.type === 'dir') queue.push(p);
        else if (cst.type === 'file') await vfs.readFile(p, { maxBytes: 4096 });
        else if (cst.type === 'symlink') await vfs.readlink(p);
      } catch (err) {
        if (!isVfsError(err) && !isAmwError(err)) throw err;
        codes.push(err.code);
      }
    }
  }
  return n;
}

export interface FuzzReport {
  cases: number;
  /** Outcome counts: "ok" or an error code. */
  outcomes: Record<string, number>;
  /**
   * Unclear failures: anything but a result, AmwError or VfsError. `image` is the mutated disk
   * written out (the first few failures only), so a case can be replayed with `amiwarden scan
   * file:` even though mkfs output, and so the mutations a seed picks, differ from run to run.
   */
  failures: { case: number; message: string; image?: string }[];
  maxCaseMs: number;
  maxReads: number;
  peakHeapMiB: number;
}

/** Byte ranges the readers touch on a clean run: where mutations hurt. */
export async function structureRanges(image: Buffer, open?: OpenDisk): Promise<[number, number][]> {
  const dev = new PatchedDevice(image, [], image.length, Infinity, true);
  await exercise(dev, open);
  const unique = new Map<string, [number, number]>();
  for (const r of dev.log!) if (r[1] <= 64 * 1024) unique.set(`${r[0]}:${r[1]}`, r);
  return [...unique.values()];
}

const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0xffffffff, 0x10000, 12, 4096];

const KEPT_FAILURES = 3;

/** Writes a failing case's disk (patches applied, cut applied) where its report can name it. */
async function keepFailingCase(
  image: Buffer,
  patches: readonly { offset: number; bytes: Buffer }[],
  size: number,
  seed: number,
  c: number,
): Promise<string | undefined> {
  try {
    // The disk the readers saw, read through the same device that showed it to them.
    const out = await new PatchedDevice(image, patches, size, Infinity).read(0, size);
    const dir = join(tmpdir(), 'amw-fuzz-failures');
    mkdirSync(dir, { recursive: true });
    const base = createHash('sha256').update(image).digest('hex').slice(0, 12);
    const path = join(dir, `${base}-seed-${seed}-case-${c}.img`);
    writeFileSync(path, out);
    return path;
  } catch {
    return undefined; // a full disk must not hide the failure itself
  }
}

/** Runs `cases` seeded mutations of `image`, each ended by a result or a clear error. */
export async function fuzzImage(
  image: Buffer,
  cases: number,
  seed: number,
  readBudget = 50_000,
  open?: OpenDisk,
): Promise<FuzzReport> {
  const ranges = await structureRanges(image, open);
  const rand = rng(seed);
  const pick = (n: number): number => Math.floor(rand() * n);
  const report: FuzzReport = { cases, outcomes: {}, failures: [], maxCaseMs: 0, maxReads: 0, peakHeapMiB: 0 };
  for (let c = 0; c < cases; c++) {
    const patches: { offset: number; bytes: Buffer }[] = [];
    let size = image.length;
    const count = 1 + pick(3);
    for (let m = 0; m < count; m++) {
      const [start, len] = ranges[pick(ranges.length)]!;
      const at = start + pick(len);
      const kind = pick(40);
      if (kind < 16) patches.push({ offset: at, bytes: Buffer.from([image[at]! ^ (1 + pick(255))]) });
      else if (kind < 24) patches.push({ offset: at, bytes: Buffer.alloc(1 + pick(16)) });
      else if (kind < 39) {
        const b = Buffer.alloc(4);
        b.writeUInt32LE(INTERESTING[pick(INTERESTING.length)]! >>> 0);
        if (pick(2)) b.reverse();
        patches.push({ offset: at & ~3, bytes: b });
      } else size = Math.min(size, at);
    }
    const dev = new PatchedDevice(image, patches, size, readBudget);
    const t0 = performance.now();
    let outcome = 'ok';
    try {
      const codes = await exercise(dev, open);
      if (codes.length > 0) outcome = `lookup:${codes[0]}`;
    } catch (err) {
      if (isAmwError(err) || isVfsError(err)) outcome = err.code;
      else
        report.failures.push({
          case: c,
          message: err instanceof Error ? (err.stack ?? err.message) : String(err),
          image:
            report.failures.length < KEPT_FAILURES
              ? await keepFailingCase(image, patches, size, seed, c)
              : undefined,
        });
    }
    report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
    report.maxCaseMs = Math.max(report.maxCaseMs, performance.now() - t0);
    report.maxReads = Math.max(report.maxReads, dev.reads);
    if (c % 256 === 0)
      report.peakHeapMiB = Math.max(report.peakHeapMiB, process.memoryUsage().heapUsed / 2 ** 20);
  }
  return report;
}

/**
 * A deterministic disk of `size` bytes mixing what image formats treat differently: random
 * (incompressible) runs, repetitive text, and zero runs (holes a converter leaves unallocated).
 */
export function patternDisk(size: number, seed: number): Buffer {
  const rand = rng(seed);
  const out = Buffer.alloc(size);
  for (let at = 0; at < size;) {
    const len = Math.min(size - at, 512 * (1 + Math.floor(rand() * 300)));
    const kind = Math.floor(rand() * 3);
    if (kind === 0) for (let i = 0; i < len; i++) out[at + i] = Math.floor(rand() * 256);
    else if (kind === 1) out.fill(`block at ${at} of seed ${seed}\n`, at, at + len);
    at += len;
  }
  return out;
}

/** One image for `runFuzzInWorker`: `format` opens it as qcow2/VMDK before assembly. */
export interface FuzzJob {
  name: string;
  image: Uint8Array;
  cases: number;
  seed: number;
  readBudget: number;
  format: boolean;
}

/** What the worker found: the clean image's lookup errors (must be none) and the loop's report. */
export interface FuzzJobResult {
  name: string;
  clean: string[];
  report: FuzzReport;
}

/**
 * Runs `fuzzImage` for each job in a worker thread (see disk-fuzz-worker.ts for why) and resolves
 * with one result per job, in order; an error the loop did not catch rejects with its stack.
 */
export async function runFuzzInWorker(jobs: readonly FuzzJob[]): Promise<FuzzJobResult[]> {
  const { Worker } = await import('node:worker_threads');
  // Workers do not inherit tsx's loader: register it, then load the TypeScript entry.
  const entry = JSON.stringify(new URL('./disk-fuzz-worker.ts', import.meta.url).href);
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`,
    { eval: true, workerData: jobs },
  );
  const results: FuzzJobResult[] = [];
  worker.on('message', (r: FuzzJobResult) => results.push(r));
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (results.length === jobs.length) resolve();
      else
        reject(
          new Error(`fuzz worker exited (code ${code}) after ${results.length} of ${jobs.length} images`),
        );
    });
  });
  return results;
}
