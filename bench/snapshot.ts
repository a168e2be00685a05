// Snapshot benchmark: 8 GiB volumes (GPT + an ext4 or XFS root filling it; bench/snapshot-volumes.ts)
// served by the simulator's EBS direct API with a fixed latency per call, scanned through the
// `ebs:` source at concurrency 1 and 16 in three read-ahead modes, side by side in one process:
//   off    no read-ahead, volumes and filesystems opened one after another;
//   before read-ahead of the declared paths and ext4 inode tables, serial opening (the state
//          before XFS inode-chunk read-ahead and parallel discovery);
//   on     everything: XFS inode chunks too, parallel discovery, the first reads started early.
// Usage: node --import tsx bench/snapshot.ts [--latency MS] [--packed] [--only ext4|xfs] [--keep]
//   --packed: the fixtures' small roots (everything within a few blocks) instead of spread ones.
import '../src/aws/sdk-node-warning.ts';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { EBSClient } from '@aws-sdk/client-ebs';
import { openEbsSource } from '../src/scan/sources/ebs-source.ts';
import { scanImage, scanVfs } from '../src/scan/scan-image.ts';
import type { ScanResult } from '../src/scan/scan-image.ts';
import type { PrefetchOptions } from '../src/scan/vfs/prefetch.ts';
import type { EstateSeed } from '../src/sim/index.ts';
import { diskToolsMissing } from '../test/helpers/disk-images.ts';
import { buildVariant } from '../test/helpers/disk-variants.ts';
import { VOLUME_GIB, buildExt4Volume, buildXfsVolume } from './snapshot-volumes.ts';

const args = process.argv.slice(2);
const argOf = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const latencyMs = Number(argOf('--latency') ?? 20);
const packed = args.includes('--packed');
const keep = args.includes('--keep');
const only = argOf('--only');
const BLOCK = 512 * 1024;
const ACCOUNT = '710000000001';

const missing = diskToolsMissing();
if (missing) {
  console.error(`bench/snapshot: ${missing}`);
  process.exit(2);
}

const MODES: Record<string, PrefetchOptions> = {
  off: { enabled: false, parallelDiscovery: false },
  before: { enabled: true, xfsInodeChunks: false, parallelDiscovery: false },
  on: { enabled: true },
};

interface Run {
  fs: string;
  mode: string;
  concurrency: number;
  wallMs: number;
  blocks: number;
  maxInFlight: number;
  busyMs: number;
  rounds: number;
}

const verdictsOf = (r: ScanResult): string =>
  JSON.stringify(r.controls.map((c) => [c.control.id, c.verdict.status]));

const t00 = performance.now();
const step = (what: string): void =>
  console.error(`bench/snapshot: ${what} at ${((performance.now() - t00) / 1000).toFixed(1)} s`);
const work = await mkdtemp(join(tmpdir(), 'amw-bench-snap-'));
try {
  const volumes: { fs: string; snap: string; disk: string }[] = [];
  if (only !== 'xfs') {
    const disk = packed
      ? (await buildVariant('ext4-gpt', join(work, 'ext4'))).disk
      : await buildExt4Volume(work);
    volumes.push({ fs: 'ext4', snap: 'snap-07100000000000001', disk });
  }
  if (only !== 'ext4') {
    const disk = packed
      ? (await buildVariant('xfs-gpt-4k', join(work, 'xfs'))).disk
      : await buildXfsVolume(work);
    volumes.push({ fs: 'xfs', snap: 'snap-07100000000000002', disk });
  }
  // Sparse: space never written is a hole, and EBS lists no block there.
  for (const v of volumes) await truncate(v.disk, VOLUME_GIB * 1024 ** 3);
  const seed = {
    now: '2026-11-01T00:00:00Z',
    regions: ['us-east-1'],
    accounts: [
      {
        id: ACCOUNT,
        name: 'bench',
        regions: {
          'us-east-1': {
            snapshots: volumes.map((v) => ({
              id: v.snap,
              size: VOLUME_GIB,
              created: 'now-1d',
              content: v.disk,
            })),
          },
        },
      },
    ],
  } as unknown as EstateSeed;
  // Workers do not inherit tsx's loader: register it, then load the TypeScript entry.
  const entry = JSON.stringify(new URL('./snapshot-sim-worker.ts', import.meta.url).href);
  const sim = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`,
    { eval: true, workerData: { seed, latencyMs, account: ACCOUNT } },
  );
  const config = await new Promise<ConstructorParameters<typeof EBSClient>[0]>((resolve, reject) => {
    sim.once('message', resolve);
    sim.once('error', reject);
  });
  const totalBlocks = (VOLUME_GIB * 1024 ** 3) / BLOCK;
  const floors = new Map<string, number>();
  const runs: Run[] = [];
  try {
    const clientFor = (): EBSClient => new EBSClient({ ...config, maxAttempts: 1 });
    for (const v of volumes) {
      // Untimed warm-up: the simulator may read the whole raw file once to list the written blocks.
      const warm = clientFor();
      await (await openEbsSource(`ebs:${v.snap}`, { client: warm, prefetch: { enabled: false } })).close();
      warm.destroy();
      // The same scan from the raw file is the floor the network part is measured above (best of
      // two after a first run that also warms the module and check caches).
      const fileVerdicts = verdictsOf(await scanImage(`file:${v.disk}`));
      let floorMs = Infinity;
      for (let i = 0; i < 2; i++) {
        const f0 = performance.now();
        await scanImage(`file:${v.disk}`);
        floorMs = Math.min(floorMs, performance.now() - f0);
      }
      floors.set(v.fs, floorMs);
      step(`${v.fs}: volume listed, file: floor measured`);
      for (const [mode, prefetch] of Object.entries(MODES)) {
        for (const concurrency of [1, 16]) {
          const client = clientFor();
          const t0 = performance.now();
          const src = await openEbsSource(`ebs:${v.snap}`, { client, concurrency, prefetch });
          try {
            const result = await scanVfs(src.vfs);
            if (result.completeness === 'failed')
              throw new Error(`scan failed: ${JSON.stringify(result.gaps)}`);
            if (verdictsOf(result) !== fileVerdicts)
              throw new Error(`${v.fs}: verdicts differ from file: (${mode}, c${concurrency})`);
          } finally {
            await src.close();
          }
          const s = src.device.stats;
          runs.push({
            fs: v.fs,
            mode,
            concurrency,
            wallMs: performance.now() - t0,
            blocks: s.blockCalls,
            maxInFlight: s.maxInFlight,
            busyMs: s.busyMs,
            rounds: s.rounds,
          });
          client.destroy();
        }
      }
      step(`${v.fs}: scans done`);
    }
  } finally {
    sim.postMessage('close');
    await new Promise((resolve) => sim.once('exit', resolve));
  }
  report(runs, floors, totalBlocks);
} finally {
  if (keep) console.error(`bench/snapshot: kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

function report(runs: Run[], floors: Map<string, number>, totalBlocks: number): void {
  const x = (v: number): string => `x${v.toFixed(2)}`;
  const [load1] = loadavg();
  console.log(
    `bench/snapshot: ${VOLUME_GIB} GiB volumes (${packed ? 'packed small roots' : 'roots spread over the volume'}), ` +
      `${totalBlocks} blocks of 512 KiB, ${latencyMs} ms per call; load average ${load1!.toFixed(1)} on ` +
      `${cpus().length} CPUs; verdicts identical to file: in every run`,
  );
  // Ideal: every needed block costs one latency, spread over the parallel fetches
  // (blocks x latency / concurrency), i.e. ceil(blocks / concurrency) rounds. Rounds: the longest
  // chain of calls that waited for each other (load-independent). Waiting: time with a call in
  // flight (grows with the machine's load: a reply waits for the event loop).
  const idealRounds = (r: Run): number => Math.ceil(r.blocks / r.concurrency);
  const idealMs = (r: Run): number => (r.blocks * latencyMs) / r.concurrency;
  for (const fs of [...floors.keys()]) {
    console.log(`${fs}: file: scan ${floors.get(fs)!.toFixed(0)} ms`);
    for (const r of runs.filter((r) => r.fs === fs)) {
      console.log(
        `  ${r.mode.padEnd(6)} concurrency ${String(r.concurrency).padStart(2)}: ` +
          `blocks ${r.blocks}/${totalBlocks} (${((r.blocks / totalBlocks) * 100).toFixed(2)}%), ` +
          `max in flight ${String(r.maxInFlight).padStart(2)}, rounds ${r.rounds} vs ideal ${idealRounds(r)}: ` +
          `${x(r.rounds / idealRounds(r))}; waiting ${r.busyMs.toFixed(0)} ms vs ideal ${idealMs(r).toFixed(0)} ms: ` +
          `${x(r.busyMs / idealMs(r))}; wall ${r.wallMs.toFixed(0)} ms`,
      );
    }
    const find = (mode: string, c: number): Run =>
      runs.find((r) => r.fs === fs && r.mode === mode && r.concurrency === c)!;
    const compare = (label: string, slow: Run, fast: Run): void =>
      console.log(
        `  ${label}: rounds ${x(slow.rounds / fast.rounds)}, waiting ${x(slow.busyMs / fast.busyMs)}, ` +
          `wall ${x(slow.wallMs / fast.wallMs)}`,
      );
    for (const mode of Object.keys(MODES))
      compare(`${mode.padEnd(6)} concurrency 16 vs 1`, find(mode, 1), find(mode, 16));
    compare('concurrency 16, on vs before', find('before', 16), find('on', 16));
    compare('concurrency 16, on vs off', find('off', 16), find('on', 16));
  }
}
