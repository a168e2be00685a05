import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstanceImageMetadataCommand,
} from '@aws-sdk/client-ec2';
import type { DescribeImagesCommandInput } from '@aws-sdk/client-ec2';
import { startSimulator } from '../../index.ts';
import { awsError, simClients } from '../../testing.ts';

const seed = (name: string) =>
  new URL(`../../../../test/fixtures/seeds/${name}.yml`, import.meta.url).pathname;

test('pitfall-hidden-owned: only IncludeDeprecated + IncludeDisabled list everything', async () => {
  const sim = await startSimulator({ seed: seed('pitfall-hidden-owned') });
  try {
    const owner = simClients(sim, 'us-east-1', '300000000001').ec2;
    const other = simClients(sim, 'us-east-1', '300000000002').ec2;
    const ids = async (c: typeof owner, input: DescribeImagesCommandInput) =>
      ((await c.send(new DescribeImagesCommand(input))).Images ?? []).map((i) => i.ImageId).sort();
    assert.deepEqual(await ids(owner, { Owners: ['self'] }), [
      'ami-03000000000000001',
      'ami-03000000000000002',
    ]);
    assert.deepEqual(await ids(owner, { Owners: ['self'], IncludeDeprecated: true, IncludeDisabled: true }), [
      'ami-03000000000000001',
      'ami-03000000000000002',
      'ami-03000000000000003',
    ]);
    assert.deepEqual(await ids(other, { Owners: ['300000000001'] }), []);
    assert.deepEqual(await ids(other, { Owners: ['300000000001'], IncludeDeprecated: true }), [
      'ami-03000000000000002',
    ]);
  } finally {
    await sim.close();
  }
});

test('pitfall-deregistered-in-use: empty by id while referenced, NotFound when not, metadata still names it', async () => {
  const sim = await startSimulator({ seed: seed('pitfall-deregistered-in-use') });
  try {
    const ec2 = simClients(sim, 'us-east-1', '300000000001').ec2;
    assert.deepEqual(
      (await ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-03100000000000001'] }))).Images,
      [],
    );
    assert.equal(
      (await awsError(ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-03100000000000002'] })))).name,
      'InvalidAMIID.NotFound',
    );
    const md = await ec2.send(new DescribeInstanceImageMetadataCommand({}));
    assert.deepEqual(
      md.InstanceImageMetadata!.map((m) => [
        m.InstanceId,
        m.ImageMetadata?.ImageId,
        m.ImageMetadata?.State,
        m.ImageMetadata?.Name,
      ]),
      [['i-03100000000000001', 'ami-03100000000000001', 'deregistered', 'gone-but-running']],
    );
  } finally {
    await sim.close();
  }
});

test('pitfall-snapshots-lineage: a shared snapshot is skipped, then deleted with the last image', async () => {
  const sim = await startSimulator({ seed: seed('pitfall-snapshots-lineage') });
  try {
    const ec2 = simClients(sim, 'us-east-1', '300000000001').ec2;
    const first = await ec2.send(
      new DeregisterImageCommand({ ImageId: 'ami-03400000000000001', DeleteAssociatedSnapshots: true }),
    );
    assert.equal(first.DeleteSnapshotResults![0]!.ReturnCode, 'skipped');
    const second = await ec2.send(
      new DeregisterImageCommand({ ImageId: 'ami-03400000000000002', DeleteAssociatedSnapshots: true }),
    );
    assert.equal(second.DeleteSnapshotResults![0]!.ReturnCode, 'success');
    const copy = await simClients(sim, 'eu-west-1', '300000000001').ec2.send(
      new DescribeImagesCommand({ Owners: ['self'] }),
    );
    assert.deepEqual(
      [copy.Images![0]!.SourceImageId, copy.Images![0]!.SourceImageRegion],
      ['ami-03400000000000001', 'us-east-1'],
    );
  } finally {
    await sim.close();
  }
});
