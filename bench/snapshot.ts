// Snapshot benchmark: an 8 GiB volume (GPT + an ext4 root filling it, holding the Debian 12
// fixture) served by the simulator's EBS direct API with a fixed latency per call, scanned through
// the `ebs:` source at concurrency 1 and 16, with the checks' read-ahead (Vfs.prefetch) on and off.
// Usage: node --import tsx bench/snapshot.ts [--latency MS] [--packed]
//   --packed: the fixture's default 64 MiB root (everything within a few blocks) instead of the
//   spread one. --keep: leave the built volume in its temporary directory.
import '../src/aws/sdk-node-warning.ts';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { EBSClient } from '@aws-sdk/client-ebs';
import { openEbsSource } from '../src/scan/sources/ebs-source.ts';
import { scanImage, scanVfs } from '../src/scan/scan-image.ts';
import type { ScanResult } from '../src/scan/scan-image.ts';
import type { EstateSeed } from '../src/sim/index.ts';
import { GPT_BIOS_BOOT, GPT_LINUX, diskToolsMissing } from '../test/helpers/disk-images.ts';
import { buildVariant } from '../test/helpers/disk-variants.ts';
import { layOutDiskTree } from '../test/helpers/fixture-disk-tree.ts';

const args = process.argv.slice(2);
const latAt = args.indexOf('--latency');
const latencyMs = latAt >= 0 ? Number(args[latAt + 1]) : 20;
const packed = args.includes('--packed');
const keep = args.includes('--keep');
const VOLUME_GIB = 8;
const BLOCK = 512 * 1024;
const ACCOUNT = '710000000001';
const SNAP = 'snap-07100000000000001';
const ROOT_UUID = '0a1b2c3d-0000-4000-8000-000000000001';
const TOOL_ENV = { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin` };

const missing = diskToolsMissing();
if (missing) {
  console.error(`bench/snapshot: ${missing}`);
  process.exit(2);
}

const DOC_PACKAGES = 1200;

/**
 * The root filesystem fills the volume, and mke2fs gets one inode per MiB (128 per block group),
 * so the inodes, directories and small files land in block groups 128 MiB apart, as on a root
 * that a running system filled, instead of all in the first few MiB. Besides the fixture, a
 * /usr/share/doc of 1,200 package directories (3 files each) gives the whole-tree checks
 * (world-writable, SUID, unowned) the directory count of a small real image.
 */
async function buildSpread(work: string): Promise<string> {
  const tree = join(work, 'tree');
  await layOutDiskTree('debian12', tree, `UUID=${ROOT_UUID} / ext4 errors=remount-ro 0 1\n`);
  for (let i = 0; i < DOC_PACKAGES; i++) {
    const dir = join(tree, 'usr/share/doc', `pkg-${i}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'copyright'), `Files: *\nLicense: pkg-${i}\n`);
    await writeFile(join(dir, 'changelog.Debian.gz'), Buffer.alloc(2000 + i, i % 251));
    await writeFile(join(dir, 'README'), `pkg-${i}\n`);
  }
  // The partition table first, then mke2fs straight into the partition (-E offset): no copy of
  // an 8 GiB partition image.
  const disk = join(work, 'disk.img');
  execFileSync('truncate', ['-s', `${VOLUME_GIB}G`, disk]);
  const startSector = 4096;
  const sectors = (VOLUME_GIB * 1024 ** 3) / 512 - startSector - 2048;
  execFileSync('sfdisk', ['-q', '--no-reread', '--no-tell-kernel', disk], {
    input:
      `label: gpt\nunit: sectors\nstart=2048, size=2048, type=${GPT_BIOS_BOOT}, name="bios"\n` +
      `start=${startSector}, size=${sectors}, type=${GPT_LINUX}, name="rootfs"\n`,
    env: TOOL_ENV,
  });
  execFileSync(
    'mke2fs',
    ['-q', '-F', '-t', 'ext4', '-U', ROOT_UUID, '-i', String(1024 * 1024)].concat([
      '-E',
      `root_owner=0:0,lazy_itable_init=1,lazy_journal_init=1,offset=${startSector * 512}`,
      '-d',
      tree,
      disk,
      `${(sectors * 512) / 1024}k`,
    ]),
    { env: TOOL_ENV },
  );
  return disk;
}

interface Run {
  prefetch: boolean;
  concurrency: number;
  wallMs: number;
  blocks: number;
  listCalls: number;
  maxInFlight: number;
  busyMs: number;
  rounds: number;
  verdicts: string;
}

const verdictsOf = (r: ScanResult): string =>
  JSON.stringify(r.controls.map((c) => [c.control.id, c.verdict.status]));

const t00 = performance.now();
const step = (what: string): void =>
  console.error(`bench/snapshot: ${what} at ${((performance.now() - t00) / 1000).toFixed(1)} s`);
const work = await mkdtemp(join(tmpdir(), 'amw-bench-snap-'));
try {
  let disk: string;
  if (packed) {
    disk = (await buildVariant('ext4-gpt', join(work, 'disk'))).disk;
  } else {
    disk = await buildSpread(work);
  }
  // Sparse: space never written is a hole, and EBS lists no block there.
  await truncate(disk, VOLUME_GIB * 1024 ** 3);
  const seed = {
    now: '2026-11-01T00:00:00Z',
    regions: ['us-east-1'],
    accounts: [
      {
        id: ACCOUNT,
        name: 'bench',
        regions: {
          'us-east-1': {
            snapshots: [{ id: SNAP, size: VOLUME_GIB, created: 'now-1d', content: disk }],
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
  let floorMs = Infinity;
  const runs: Run[] = [];
  try {
    const clientFor = (): EBSClient => new EBSClient({ ...config, maxAttempts: 1 });
    // Untimed warm-up: the simulator may read the whole raw file once to list the written blocks.
    const warm = clientFor();
    await (await openEbsSource(`ebs:${SNAP}`, { client: warm })).close();
    warm.destroy();
    step('volume built and listed');
    // The same scan from the raw file is the floor the network part is measured above (best of
    // three: the first also warms the module and check caches).
    const fileVerdicts = verdictsOf(await scanImage(`file:${disk}`));
    for (let i = 0; i < 2; i++) {
      const f0 = performance.now();
      await scanImage(`file:${disk}`);
      floorMs = Math.min(floorMs, performance.now() - f0);
    }
    step('file: floor measured');
    for (const prefetch of [false, true]) {
      for (const concurrency of [1, 16]) {
        const client = clientFor();
        const t0 = performance.now();
        const src = await openEbsSource(`ebs:${SNAP}`, {
          client,
          concurrency,
          prefetch: { enabled: prefetch },
        });
        let verdicts = '';
        try {
          const result = await scanVfs(src.vfs);
          if (result.completeness === 'failed')
            throw new Error(`scan failed: ${JSON.stringify(result.gaps)}`);
          verdicts = verdictsOf(result);
        } finally {
          await src.close();
        }
        runs.push({
          prefetch,
          concurrency,
          wallMs: performance.now() - t0,
          blocks: src.device.stats.blockCalls,
          listCalls: src.device.stats.listCalls,
          maxInFlight: src.device.stats.maxInFlight,
          busyMs: src.device.stats.busyMs,
          rounds: src.device.stats.rounds,
          verdicts,
        });
        client.destroy();
      }
    }
    for (const r of runs) {
      if (r.verdicts !== fileVerdicts)
        throw new Error(`verdicts differ from file: (prefetch ${r.prefetch}, c${r.concurrency})`);
    }
  } finally {
    sim.postMessage('close');
    await new Promise((resolve) => sim.once('exit', resolve));
  }
  const x = (v: number): string => `x${v.toFixed(2)}`;
  const [load1] = loadavg();
  console.log(
    `bench/snapshot: ${VOLUME_GIB} GiB volume (${packed ? 'packed 64 MiB root' : 'root spread over the volume'}), ` +
      `${totalBlocks} blocks of 512 KiB, ${latencyMs} ms per call; file: scan ${floorMs.toFixed(0)} ms; ` +
      `load average ${load1!.toFixed(1)} on ${cpus().length} CPUs; verdicts identical to file: in every run`,
  );
  // Ideal: every needed block costs one latency, spread over the parallel fetches
  // (blocks x latency / concurrency), i.e. ceil(blocks / concurrency) rounds. Rounds: the longest
  // chain of calls that waited for each other (load-independent). Waiting: time with a call in
  // flight (grows with the machine's load: a reply waits for the event loop).
  const idealRounds = (r: Run): number => Math.ceil(r.blocks / r.concurrency);
  const idealMs = (r: Run): number => (r.blocks * latencyMs) / r.concurrency;
  for (const r of runs) {
    console.log(
      `  prefetch ${r.prefetch ? 'on ' : 'off'} concurrency ${String(r.concurrency).padStart(2)}: ` +
        `blocks ${r.blocks}/${totalBlocks} (${((r.blocks / totalBlocks) * 100).toFixed(2)}%), ` +
        `max in flight ${String(r.maxInFlight).padStart(2)}, rounds ${r.rounds} vs ideal ${idealRounds(r)}: ` +
        `${x(r.rounds / idealRounds(r))}; waiting ${r.busyMs.toFixed(0)} ms vs ideal ${idealMs(r).toFixed(0)} ms: ` +
        `${x(r.busyMs / idealMs(r))}; wall ${r.wallMs.toFixed(0)} ms`,
    );
  }
  const find = (p: boolean, c: number): Run => runs.find((r) => r.prefetch === p && r.concurrency === c)!;
  const compare = (label: string, slow: Run, fast: Run): void =>
    console.log(
      `  ${label}: rounds ${x(slow.rounds / fast.rounds)}, waiting ${x(slow.busyMs / fast.busyMs)}, ` +
        `wall ${x(slow.wallMs / fast.wallMs)}`,
    );
  compare('prefetch off, concurrency 16 vs 1', find(false, 1), find(false, 16));
  compare('prefetch on,  concurrency 16 vs 1', find(true, 1), find(true, 16));
  compare('concurrency 16, prefetch on vs off', find(false, 16), find(true, 16));
  compare('prefetch on at 16 vs off at 1', find(false, 1), find(true, 16));
} finally {
  if (keep) console.error(`bench/snapshot: kept ${work}`);
  else await rm(work, { recursive: true, force: true });
}
