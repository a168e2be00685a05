// Snapshot benchmark: an 8 GiB sparse volume (GPT + ext4 Debian 12 root built by the test
// helpers, then extended to 8 GiB) served by the simulator's EBS direct API with a fixed latency
// per call, scanned through the `ebs:` source at concurrency 1 and 16.
// Usage: node --import tsx bench/snapshot.ts [--latency MS]
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EBSClient } from '@aws-sdk/client-ebs';
import { openEbsSource } from '../src/scan/sources/ebs-source.ts';
import { scanImage, scanVfs } from '../src/scan/scan-image.ts';
import { credentialsOf, startSimulator } from '../src/sim/index.ts';
import type { EstateSeed } from '../src/sim/index.ts';
import { diskToolsMissing } from '../test/helpers/disk-images.ts';
import { buildVariant } from '../test/helpers/disk-variants.ts';

const args = process.argv.slice(2);
const latAt = args.indexOf('--latency');
const latencyMs = latAt >= 0 ? Number(args[latAt + 1]) : 20;
const VOLUME_GIB = 8;
const BLOCK = 512 * 1024;
const ACCOUNT = '710000000001';
const SNAP = 'snap-07100000000000001';

const missing = diskToolsMissing();
if (missing) {
  console.error(`bench/snapshot: ${missing}`);
  process.exit(2);
}

const work = await mkdtemp(join(tmpdir(), 'amw-bench-snap-'));
try {
  // The Debian 12 rootfs fixture on GPT + ext4: a real CIS scan with an OS and packages.
  const { disk } = await buildVariant('ext4-gpt', join(work, 'disk'));
  // Sparse: the tail past the partitions is a hole, never written, so EBS lists no block there.
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
  const sim = await startSimulator({ seed, faults: { latencyMs } });
  const totalBlocks = (VOLUME_GIB * 1024 ** 3) / BLOCK;
  let floorMs = 0;
  const runs: { concurrency: number; wallMs: number; blocks: number; listCalls: number }[] = [];
  try {
    // Untimed warm-up: the simulator reads the whole raw file once to list the written blocks.
    const warm = new EBSClient({
      ...sim.clientConfig('us-east-1', credentialsOf(sim.state, ACCOUNT)),
      maxAttempts: 1,
    });
    await (await openEbsSource(`ebs:${SNAP}`, { client: warm })).close();
    warm.destroy();
    // The same scan from the raw file (twice: the first warms the module and check caches) is the
    // floor the network part is measured above.
    await scanImage(`file:${disk}`);
    const f0 = performance.now();
    await scanImage(`file:${disk}`);
    floorMs = performance.now() - f0;
    for (const concurrency of [1, 16]) {
      const client = new EBSClient({
        ...sim.clientConfig('us-east-1', credentialsOf(sim.state, ACCOUNT)),
        maxAttempts: 1,
      });
      const t0 = performance.now();
      const src = await openEbsSource(`ebs:${SNAP}`, { client, concurrency });
      try {
        const result = await scanVfs(src.vfs);
        if (result.completeness === 'failed') throw new Error(`scan failed: ${JSON.stringify(result.gaps)}`);
      } finally {
        await src.close();
      }
      const wallMs = performance.now() - t0;
      runs.push({
        concurrency,
        wallMs,
        blocks: src.device.stats.blockCalls,
        listCalls: src.device.stats.listCalls,
      });
      client.destroy();
    }
  } finally {
    await sim.close();
  }
  const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;
  console.log(
    `bench/snapshot: ${VOLUME_GIB} GiB sparse volume, ${totalBlocks} blocks of 512 KiB, ${latencyMs} ms per call`,
  );
  for (const r of runs) {
    // Ideal: every needed block costs one latency, spread over the parallel fetches; list calls
    // are sequential (each page names the next), so they add to the floor unshared.
    const idealMs = (r.blocks * latencyMs) / r.concurrency + r.listCalls * latencyMs;
    const netMs = Math.max(0, r.wallMs - floorMs);
    console.log(
      `  concurrency ${String(r.concurrency).padStart(2)}: fetched ${r.blocks}/${totalBlocks} blocks (${pct(r.blocks / totalBlocks)}), ` +
        `${r.listCalls} list calls, wall ${r.wallMs.toFixed(0)} ms = file: scan ${floorMs.toFixed(0)} ms + ` +
        `${netMs.toFixed(0)} ms waiting; waiting vs ideal ${idealMs.toFixed(0)} ms: x${(netMs / idealMs).toFixed(2)}`,
    );
  }
  const [one, sixteen] = runs;
  if (one && sixteen)
    console.log(
      `  concurrency 1 vs 16: wall x${(one.wallMs / sixteen.wallMs).toFixed(2)}, waiting x${(
        Math.max(1, one.wallMs - floorMs) / Math.max(1, sixteen.wallMs - floorMs)
      ).toFixed(2)} (blocks needed one after another, e.g. table -> superblock -> inode, cannot overlap)`,
    );
} finally {
  await rm(work, { recursive: true, force: true });
}
