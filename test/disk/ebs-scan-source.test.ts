// `ebs:snap-...` as a scan source: the SDK's standard environment (AWS_REGION, AWS_ENDPOINT_URL,
// access keys) reaches the simulator, which serves seed snapshots built from the demo's web tree,
// once as a GPT disk and once as a bare filesystem. Both must give what file: gives for the image.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAmwError } from '../../src/errors.ts';
import { openScanSource, scanVfs } from '../../src/scan/scan-image.ts';
import type { ScanResult } from '../../src/scan/scan-image.ts';
import { accountCredentials, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { diskToolsMissing } from '../helpers/disk-images.ts';

const BIN = fileURLToPath(new URL('../../bin/amiwarden.js', import.meta.url));
const ROOTFS = fileURLToPath(new URL('../../src/sim/seeds/rootfs/', import.meta.url));
const ACCOUNT = '730000000001';
const GPT = 'snap-07300000000000001';
const BARE = 'snap-07300000000000002';
const FIXED = () => new Date('2026-11-01T00:00:00Z');
const skip = diskToolsMissing();

const trees = `[${ROOTFS}debian12.yml, ${ROOTFS}web.yml]`;
const SEED = `
now: 2026-11-01T00:00:00Z
regions: [us-east-1]
accounts:
  - id: '${ACCOUNT}'
    name: scanner
    regions:
      us-east-1:
        snapshots:
          - { id: ${GPT}, size: 8, created: now-1d, contentTree: { trees: ${trees}, label: acme-root } }
          - { id: ${BARE}, size: 8, created: now-1d, contentTree: { trees: ${trees}, partitionTable: none } }
`;

let work: string;
let sim: RunningSimulator;

const sdkEnv = (): Record<string, string> => {
  const creds = accountCredentials(ACCOUNT);
  return {
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL: sim.url,
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/nonexistent',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
  };
};

async function scanFile(snapshot: string): Promise<ScanResult> {
  const src = await openScanSource(`file:${sim.state.snapshots.get(snapshot)!.content!}`);
  try {
    return await scanVfs(src.vfs, {}, undefined, FIXED);
  } finally {
    await src.close();
  }
}

const verdicts = (
  controls: readonly { catalogId: string; control: { id: string }; verdict: { status: string } }[],
) => controls.map((c) => `${c.catalogId} ${c.control.id} ${c.verdict.status}`);

before(async () => {
  if (skip) return;
  work = await mkdtemp(join(tmpdir(), 'amw-ebs-scan-'));
  await writeFile(join(work, 'seed.yml'), SEED);
  sim = await startSimulator({ seed: join(work, 'seed.yml') });
});
after(async () => {
  await sim?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

test(
  'amiwarden scan ebs: (real binary) reads a GPT snapshot through the EBS direct API',
  { skip },
  async () => {
    const expected = await scanFile(GPT);
    sim.resetCallCounts();
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) =>
      execFile(
        process.execPath,
        [BIN, 'scan', `ebs:${GPT}`, '-f', 'json'],
        { env: { PATH: process.env.PATH ?? '', HOME: work, ...sdkEnv() }, timeout: 120_000 },
        // scan exits 1 when controls fail (the web image plants failures); the report is still complete.
        (err, out, stderr) =>
          err && (err as { code?: number }).code !== 1 ? reject(new Error(stderr)) : resolve({ stdout: out }),
      ),
    );
    const got = JSON.parse(stdout) as ScanResult;
    assert.equal(got.completeness, 'complete');
    assert.deepEqual(got.os, expected.os);
    assert.deepEqual(got.counts, expected.counts);
    assert.deepEqual(verdicts(got.controls), verdicts(expected.controls));
    const calls = sim.callCounts();
    assert.equal(calls['ebs:ListSnapshotBlocks'], 1);
    assert.ok((calls['ebs:GetSnapshotBlock'] ?? 0) > 0, JSON.stringify(calls));
  },
);

test('ebs: in process: a bare filesystem snapshot, and no region is a clear error', { skip }, async () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, sdkEnv());
    const expected = await scanFile(BARE);
    const src = await openScanSource(`ebs:${BARE}`);
    const got = await scanVfs(src.vfs, {}, undefined, FIXED).finally(() => src.close());
    assert.deepEqual(
      { os: got.os, packages: got.packages, controls: got.controls, counts: got.counts, gaps: got.gaps },
      {
        os: expected.os,
        packages: expected.packages,
        controls: expected.controls,
        counts: expected.counts,
        gaps: expected.gaps,
      },
    );
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    await assert.rejects(
      openScanSource(`ebs:${BARE}`),
      (err: unknown) =>
        isAmwError(err) && err.code === 'AMW_SCAN_SOURCE' && /set AWS_REGION/.test(err.message),
    );
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
});
