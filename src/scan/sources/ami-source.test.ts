import '../../aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { DescribeSnapshotsCommand } from '@aws-sdk/client-ec2';
import { isAmwError } from '../../errors.ts';
import { startSimulator } from '../../sim/index.ts';
import type { EstateSeed, RunningSimulator } from '../../sim/index.ts';
import { awsError, simClients } from '../../sim/testing.ts';
import { checkAmiReadable } from './ami-source.ts';

const READER = '750000000001';
const OTHER = '750000000002';
const snap = (n: number) => `snap-0750000000000000${n}`;
const dev = (letter: string, n: number) => ({ device: `/dev/xvd${letter}`, snapshot: snap(n) });

let sim: RunningSimulator;
let ec2: EC2Client;

before(async () => {
  const seed: EstateSeed = {
    now: '2026-11-01T00:00:00Z',
    regions: ['us-east-1'],
    accounts: [
      {
        id: READER,
        name: 'reader',
        regions: {
          'us-east-1': {
            snapshots: [1, 2, 3].map((n) => ({ id: snap(n), size: 1, created: 'now-1d' })),
            images: [
              // root, /var and /home on three volumes of our own
              {
                id: 'ami-07500000000000001',
                name: 'three',
                created: 'now-1d',
                blockDevices: [dev('a', 1), dev('b', 2), dev('c', 3)],
              },
            ],
          },
        },
      },
      {
        id: OTHER,
        name: 'other',
        regions: {
          'us-east-1': {
            snapshots: [
              { id: snap(4), size: 1, created: 'now-1d', sharedWith: [READER] },
              { id: snap(5), size: 1, created: 'now-1d' },
              { id: snap(6), size: 1, created: 'now-1d', public: true },
              { id: snap(7), size: 1, created: 'now-1d', sharedWith: [READER] },
            ],
            images: [
              {
                id: 'ami-07500000000000002',
                name: 'shared',
                created: 'now-1d',
                launchPermissions: [{ userId: READER }],
                blockDevices: [dev('a', 4), dev('b', 7)],
              },
              // the second volume's snapshot is not shared with the reader
              {
                id: 'ami-07500000000000003',
                name: 'second-hidden',
                created: 'now-1d',
                launchPermissions: [{ userId: READER }],
                blockDevices: [dev('a', 4), dev('b', 5), dev('c', 7)],
              },
              // the second volume's snapshot is public only
              {
                id: 'ami-07500000000000004',
                name: 'second-public',
                created: 'now-1d',
                launchPermissions: [{ userId: READER }],
                blockDevices: [dev('a', 4), dev('b', 6)],
              },
            ],
          },
        },
      },
    ],
  };
  sim = await startSimulator({ seed });
  ec2 = simClients(sim, 'us-east-1', READER).ec2;
});
after(async () => {
  ec2.destroy();
  await sim.close();
});

const describes = () => sim.callCounts()['ec2:DescribeSnapshots'] ?? 0;

test('the snapshots of a readable AMI are described in one call, however many volumes it has', async () => {
  sim.resetCallCounts();
  const own = await checkAmiReadable('ami-07500000000000001', { ec2, accountId: READER });
  assert.deepEqual(
    own.volumes.map((v) => v.snapshotId),
    [snap(1), snap(2), snap(3)],
  );
  // Ours: no question about public access.
  assert.equal(describes(), 1);

  sim.resetCallCounts();
  await checkAmiReadable('ami-07500000000000002', { ec2, accountId: READER });
  // Another account's: one more call asks which of them are public, for both at once.
  assert.equal(describes(), 2);
});

test('one snapshot not shared with us: EC2 fails the whole call, the fallback names that snapshot', async () => {
  // What the fallback is for: the batch call fails as a whole, as in EC2.
  const whole = await awsError(ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snap(4), snap(5)] })));
  assert.equal(whole.name, 'InvalidSnapshot.NotFound');
  sim.resetCallCounts();
  await assert.rejects(checkAmiReadable('ami-07500000000000003', { ec2, accountId: READER }), (err) => {
    assert.ok(isAmwError(err), String(err));
    assert.equal(err.code, 'AMW_SCAN_UNSCANNABLE');
    assert.match(err.message, new RegExp(`unscannable: snapshot ${snap(5)} is not visible to this account`));
    return true;
  });
  // The batch, then one by one up to the failing one (the third is never asked).
  assert.equal(describes(), 3);
});

test('a public snapshot among shared ones is named', async () => {
  sim.resetCallCounts();
  await assert.rejects(
    checkAmiReadable('ami-07500000000000004', { ec2, accountId: READER }),
    new RegExp(`unscannable: snapshot ${snap(6)} is public, not shared with account ${READER}`),
  );
  assert.equal(describes(), 2);
});
