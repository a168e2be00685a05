// Multi-volume AMI benchmark: an image whose root (GPT + ext4, Ubuntu 22.04 fixture) and /var (a
// bare XFS placed by the root's fstab, by label) are two EBS volumes, served by the simulator on
// its own thread with a fixed latency per call, scanned through `ami:` with read-ahead on and
// parallel discovery on (both volumes opened at once) vs off (one after the other). Every run must
// give the verdicts `file:` gives for the same filesystems on one disk.
// Usage: node --import tsx bench/snapshot-ami.ts [--latency MS] [--runs N]
import '../src/aws/sdk-node-warning.ts';
import { copyFile, mkdtemp, rm, truncate } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { EBSClient } from '@aws-sdk/client-ebs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { openAmiSource } from '../src/scan/sources/ami-source.ts';
import { scanImage, scanVfs } from '../src/scan/scan-image.ts';
import type { ScanResult } from '../src/scan/scan-image.ts';
import type { PrefetchOptions } from '../src/scan/vfs/prefetch.ts';
import type { EstateSeed } from '../src/sim/index.ts';
import { GPT_LINUX, diskToolsMissing, makeDisk } from '../test/helpers/disk-images.ts';
import { buildVariant } from '../test/helpers/disk-variants.ts';

const args = process.argv.slice(2);
const argOf = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};
const latencyMs = Number(argOf('--latency') ?? 20);
const runsPerMode = Number(argOf('--runs') ?? 3);
const ACCOUNT = '710000000001';
const AMI = 'ami-07100000000000001';
const VOLUME_GIB = 1;

const missing = diskToolsMissing();
if (missing) {
  console.error(`bench/snapshot-ami: ${missing}`);
  process.exit(2);
}

const MODES: Record<string, PrefetchOptions> = {
  serial: { enabled: true, parallelDiscovery: false },
  parallel: { enabled: true },
};

interface Run {
  mode: string;
  wallMs: number;
  blocks: number;
  /**
   * The longest chain of calls that waited for each other, per volume (root, /var), counted on one
   * clock for the image: the highest is the image's.
   */
  rounds: number[];
  busyMs: number;
}

const verdictsOf = (r: ScanResult): string =>
  JSON.stringify(r.controls.map((c) => [c.control.id, c.verdict.status]));

const work = await mkdtemp(join(tmpdir(), 'amw-bench-ami-'));
try {
  const built = await buildVariant('var-partition', join(work, 'v'));
  const root = join(work, 'root.raw');
  const varDisk = join(work, 'var.raw');
  await makeDisk(root, 'gpt', [
    { sizeMiB: 48, type: GPT_LINUX, name: 'root', image: join(work, 'v/root.img') },
  ]);
  await copyFile(join(work, 'v/var.img'), varDisk);
  for (const d of [root, varDisk]) await truncate(d, VOLUME_GIB * 1024 ** 3);
  const snap = (n: number) => `snap-0710000000000000${n}`;
  const seed = {
    now: '2026-11-01T00:00:00Z',
    regions: ['us-east-1'],
    accounts: [
      {
        id: ACCOUNT,
        name: 'bench',
        regions: {
          'us-east-1': {
            snapshots: [root, varDisk].map((content, i) => ({
              id: snap(i + 1),
              size: VOLUME_GIB,
              created: 'now-1d',
              content,
            })),
            images: [
              {
                id: AMI,
                name: 'root-and-var',
                created: 'now-1d',
                blockDevices: [
                  { device: '/dev/xvda', snapshot: snap(1) },
                  { device: '/dev/xvdb', snapshot: snap(2) },
                ],
              },
            ],
          },
        },
      },
    ],
  } as unknown as EstateSeed;
  const entry = JSON.stringify(new URL('./snapshot-sim-worker.ts', import.meta.url).href);
  const sim = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`,
    { eval: true, workerData: { seed, latencyMs, account: ACCOUNT } },
  );
  const config = await new Promise<ConstructorParameters<typeof EBSClient>[0]>((resolve, reject) => {
    sim.once('message', resolve);
    sim.once('error', reject);
  });
  const runs: Run[] = [];
  try {
    const expected = verdictsOf(await scanImage(`file:${built.disk}`));
    const scanOnce = async (mode: string, prefetch: PrefetchOptions): Promise<Run> => {
      const cfg = { ...config, maxAttempts: 1 };
      const ec2 = new EC2Client(cfg);
      const ebs = new EBSClient(cfg);
      const kms = new KMSClient(cfg);
      try {
        const t0 = performance.now();
        const src = await openAmiSource(`ami:${AMI}`, { ec2, ebs, kms, accountId: ACCOUNT, prefetch });
        try {
          const result = await scanVfs(src.vfs);
          if (src.extraMounts.length !== 1) throw new Error('/var was not placed on the second volume');
          if (verdictsOf(result) !== expected) throw new Error(`verdicts differ from file: (${mode})`);
        } finally {
          await src.close();
        }
        const stats = src.devices.map((d) => d.stats);
        return {
          mode,
          wallMs: performance.now() - t0,
          blocks: stats.reduce((n, s) => n + s.blockCalls, 0),
          rounds: stats.map((s) => s.rounds),
          busyMs: stats.reduce((n, s) => n + s.busyMs, 0),
        };
      } finally {
        [ec2, ebs, kms].forEach((c) => c.destroy());
      }
    };
    // Untimed warm-up: the simulator reads each raw file once to list its written blocks.
    await scanOnce('warm-up', MODES['parallel']!);
    // Alternating, so a change in the machine's load touches both modes alike.
    for (let i = 0; i < runsPerMode; i++)
      for (const [mode, prefetch] of Object.entries(MODES)) runs.push(await scanOnce(mode, prefetch));
  } finally {
    sim.postMessage('close');
    await new Promise((resolve) => sim.once('exit', resolve));
  }
  report(runs);
} finally {
  await rm(work, { recursive: true, force: true });
}

function report(runs: Run[]): void {
  const [load1] = loadavg();
  console.log(
    `bench/snapshot-ami: ${AMI}, root (GPT + ext4) and /var (bare XFS) on two ${VOLUME_GIB} GiB volumes, ` +
      `${latencyMs} ms per call; load average ${load1!.toFixed(1)} on ${cpus().length} CPUs; ` +
      `verdicts identical to file: in every run`,
  );
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const chain = (r: Run): number => Math.max(...r.rounds);
  for (const r of runs)
    console.log(
      `  ${r.mode.padEnd(8)} blocks ${r.blocks}, rounds (root, var) ${r.rounds.join(', ')}, image ${chain(r)}, ` +
        `waiting ${r.busyMs.toFixed(0)} ms, wall ${r.wallMs.toFixed(0)} ms`,
    );
  const of = (mode: string) => runs.filter((r) => r.mode === mode);
  const m = (mode: string, f: (r: Run) => number): number => median(of(mode).map(f));
  console.log(
    `  serial vs parallel (medians): image rounds x${(m('serial', chain) / m('parallel', chain)).toFixed(2)}, ` +
      `wall x${(m('serial', (r) => r.wallMs) / m('parallel', (r) => r.wallMs)).toFixed(2)}`,
  );
}
