// The root's inode tables are read ahead as soon as a snapshot's root is known only when a check
// of the scan may walk the whole tree (`/**`): a hygiene-only scan names paths, and fetching every
// group's inode table for it would be blocks nobody reads. Counted in GetSnapshotBlock calls on a
// 2 GiB ext4 volume whose inodes and directories are spread over its groups (bench/snapshot's
// layout, smaller: the simulator reads a content file whole to list its blocks).
import '../../src/aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EBSClient } from '@aws-sdk/client-ebs';
import { plannedReads } from '../../src/scan/checks/engine.ts';
import { loadCheckSet } from '../../src/scan/checks/loader.ts';
import type { CheckSet } from '../../src/scan/checks/loader.ts';
import { selectForAnyOs } from '../../src/scan/checks/select.ts';
import type { Selection } from '../../src/scan/checks/select.ts';
import { scanImage, scanVfs } from '../../src/scan/scan-image.ts';
import type { ScanResult } from '../../src/scan/scan-image.ts';
import { openEbsSource } from '../../src/scan/sources/ebs-source.ts';
import { accountCredentials, credentialsOf, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { diskToolsMissing } from '../helpers/disk-images.ts';
import { buildExt4Volume } from '../../bench/snapshot-volumes.ts';

const ACCOUNT = '760000000001';
const SNAP = 'snap-07600000000000001';
const FIXED = () => new Date('2026-11-01T00:00:00Z');
const skip = diskToolsMissing();
const SEED = `
now: 2026-11-01T00:00:00Z
regions: [us-east-1]
accounts:
  - id: '${ACCOUNT}'
    name: scanner
    regions:
      us-east-1:
        snapshots:
          - { id: ${SNAP}, size: 2, created: now-1d, content: ext4-disk.img }
`;

let work: string;
let sim: RunningSimulator;
let set: CheckSet;

before(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), 'amw-early-inodes-'));
  await buildExt4Volume(work, { gib: 2, docPackages: 300, bytesPerInode: 256 * 1024 });
  await writeFile(join(work, 'seed.yml'), SEED);
  sim = await startSimulator({ seed: join(work, 'seed.yml') });
  set = loadCheckSet();
});
after(async () => {
  await sim?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

const findings = (r: ScanResult) => ({
  os: r.os,
  completeness: r.completeness,
  controls: r.controls.map((c) => `${c.catalogId} ${c.control.id} ${JSON.stringify(c.verdict)}`),
});

/** A scan through `ebs:` with the given plan; GetSnapshotBlock calls counted by the device. */
async function scanWith(
  plannedGlobs: readonly string[] | undefined,
  selection: Selection,
): Promise<{ result: ScanResult; blocks: number }> {
  const client = new EBSClient({
    ...sim.clientConfig('us-east-1', credentialsOf(sim.state, ACCOUNT)),
    maxAttempts: 1,
  });
  try {
    const src = await openEbsSource(`ebs:${SNAP}`, { client, ...(plannedGlobs ? { plannedGlobs } : {}) });
    try {
      const result = await scanVfs(src.vfs, selection, set, FIXED);
      return { result, blocks: src.device.stats.blockCalls };
    } finally {
      await src.close();
    }
  } finally {
    client.destroy();
  }
}

test(
  'a hygiene-only scan reads no inode tables ahead: fewer blocks, the same findings',
  { skip },
  async () => {
    const hygiene: Selection = { checks: 'hygiene' };
    const plan = plannedReads(set, selectForAnyOs(set, hygiene));
    assert.ok(!plan.includes('/**') && plan.length > 0, plan.join(' '));
    assert.ok(plannedReads(set, selectForAnyOs(set, {})).includes('/**'), 'a full scan walks the tree');
    assert.ok(plannedReads(set, selectForAnyOs(set, { level: 1 })).includes('/**'), 'level 1 walks it too');

    const eager = await scanWith(undefined, hygiene);
    const gated = await scanWith(plan, hygiene);
    assert.deepEqual(findings(gated.result), findings(eager.result));
    assert.equal(gated.result.completeness, 'complete');
    assert.ok(
      gated.blocks < eager.blocks,
      `gated ${gated.blocks} GetSnapshotBlock calls, eager ${eager.blocks}`,
    );

    // `scan ebs:… --checks hygiene` plans the same way: the scan command's path reads no more.
    const saved = { ...process.env };
    const creds = accountCredentials(ACCOUNT);
    try {
      Object.assign(process.env, {
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL: sim.url,
        AWS_ACCESS_KEY_ID: creds.accessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      });
      sim.resetCallCounts();
      const viaCli = await scanImage(`ebs:${SNAP}`, hygiene, set);
      assert.deepEqual(findings(viaCli).controls, findings(gated.result).controls);
      assert.equal(sim.callCounts()['ebs:GetSnapshotBlock'], gated.blocks);
    } finally {
      process.env = saved;
    }
  },
);

test(
  'a full scan still reads the inode tables ahead, and a plan that walks the tree keeps them',
  { skip },
  async () => {
    const full = plannedReads(set, selectForAnyOs(set, {}));
    const eager = await scanWith(undefined, {});
    const planned = await scanWith(full, {});
    assert.deepEqual(findings(planned.result), findings(eager.result));
    // The same blocks either way: the whole-tree checks read every inode table anyway.
    assert.equal(planned.blocks, eager.blocks);
  },
);
