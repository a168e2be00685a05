import '../../aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EBSClient,
  GetSnapshotBlockCommand,
  ListChangedBlocksCommand,
  ListSnapshotBlocksCommand,
} from '@aws-sdk/client-ebs';
import { credentialsOf, startSimulator } from '../index.ts';
import type { EstateSeed, RunningSimulator } from '../index.ts';
import { awsError } from '../testing.ts';

const OWNER = '100000000002';
const OTHER = '100000000003';
const BLOCK = 524_288;
let dir: string;
let sim: RunningSimulator;
let disk: string;
let disk2: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amw-ebs-'));
  disk = join(dir, 'root.img');
  disk2 = join(dir, 'root-later.img');
  // A real ext4 image: its superblock, group descriptors and inode tables are the written blocks.
  execFileSync('mke2fs', ['-q', '-F', '-t', 'ext4', '-E', 'lazy_itable_init=1', disk, '8M']);
  execFileSync('cp', [disk, disk2]);
  const fh = await open(disk2, 'r+');
  await fh.write(Buffer.alloc(4096, 0xab), 0, 4096, 7 * BLOCK + 100);
  await fh.close();
  const seed: EstateSeed = {
    now: '2026-11-01T00:00:00Z',
    regions: ['us-east-1'],
    accounts: [
      {
        id: OWNER,
        name: 'owner',
        regions: {
          'us-east-1': {
            snapshots: [
              {
                id: 'snap-0aa0000000000001',
                size: 1,
                created: 'now-2d',
                content: disk,
                volumeId: 'vol-0aa0000000000001',
                sharedWith: [OTHER],
              },
              {
                id: 'snap-0aa0000000000002',
                size: 1,
                created: 'now-1d',
                content: disk2,
                volumeId: 'vol-0aa0000000000001',
              },
              { id: 'snap-0aa0000000000003', size: 1, created: 'now-1d', public: true },
            ],
          },
        },
      },
      { id: OTHER, name: 'other' },
    ],
  };
  sim = await startSimulator({ seed });
});
after(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const client = (account: string) =>
  new EBSClient({ ...sim.clientConfig('us-east-1', credentialsOf(sim.state, account)), maxAttempts: 1 });

test('ListSnapshotBlocks lists the written blocks of the content file; GetSnapshotBlock returns them with a checksum', async () => {
  const ebs = client(OWNER);
  const listed = await ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: 'snap-0aa0000000000001' }));
  assert.equal(listed.BlockSize, BLOCK);
  assert.equal(listed.VolumeSize, 1);
  const raw = await readFile(disk);
  const expected: number[] = [];
  for (let i = 0; i * BLOCK < raw.length; i++)
    if (raw.subarray(i * BLOCK, (i + 1) * BLOCK).some((b) => b !== 0)) expected.push(i);
  assert.deepEqual(
    listed.Blocks!.map((b) => b.BlockIndex),
    expected,
  );
  assert.equal(expected[0], 0, 'the superblock lives in block 0');
  const b0 = listed.Blocks![0]!;
  const got = await ebs.send(
    new GetSnapshotBlockCommand({
      SnapshotId: 'snap-0aa0000000000001',
      BlockIndex: 0,
      BlockToken: b0.BlockToken,
    }),
  );
  const data = Buffer.from(await got.BlockData!.transformToByteArray());
  assert.equal(data.length, BLOCK);
  assert.ok(data.equals(raw.subarray(0, BLOCK)));
  assert.equal(data.readUInt16LE(1024 + 56), 0xef53, 'ext4 magic');
  assert.equal(got.Checksum, createHash('sha256').update(data).digest('base64'));
  assert.equal(got.ChecksumAlgorithm, 'SHA256');
  // a snapshot shared with another account is readable there
  const shared = await client(OTHER).send(
    new ListSnapshotBlocksCommand({ SnapshotId: 'snap-0aa0000000000001' }),
  );
  assert.equal(shared.Blocks!.length, expected.length);
});

test('ListChangedBlocks between two snapshots of the same volume names the block that changed', async () => {
  const r = await client(OWNER).send(
    new ListChangedBlocksCommand({
      FirstSnapshotId: 'snap-0aa0000000000001',
      SecondSnapshotId: 'snap-0aa0000000000002',
    }),
  );
  assert.deepEqual(
    r.ChangedBlocks!.map((b) => b.BlockIndex),
    [7],
  );
});

test('EBS errors: bad token, unknown snapshot, not shared, public-only', async () => {
  const ebs = client(OWNER);
  const bad = await awsError(
    ebs.send(
      new GetSnapshotBlockCommand({ SnapshotId: 'snap-0aa0000000000001', BlockIndex: 0, BlockToken: 'AAAA' }),
    ),
  );
  assert.deepEqual([bad.name, bad.status], ['ValidationException', 400]);
  assert.equal(
    (await awsError(ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: 'snap-0ffffffffffffff1' })))).status,
    404,
  );
  const other = client(OTHER);
  assert.equal(
    (await awsError(other.send(new ListSnapshotBlocksCommand({ SnapshotId: 'snap-0aa0000000000002' })))).name,
    'AccessDeniedException',
  );
  assert.equal(
    (await awsError(other.send(new ListSnapshotBlocksCommand({ SnapshotId: 'snap-0aa0000000000003' })))).name,
    'AccessDeniedException',
  );
  sim.setFaults({ throttleRate: 1 });
  const t = await awsError(ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: 'snap-0aa0000000000001' })));
  sim.setFaults({});
  assert.equal(t.name, 'RequestThrottledException');
});
