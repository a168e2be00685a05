import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeInstanceImageMetadataCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeRegionsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  GetAllowedImagesSettingsCommand,
  GetImageBlockPublicAccessStateCommand,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { startSimulator } from '../../index.ts';
import type { RunningSimulator } from '../../index.ts';
import { awsError, simClients } from '../../testing.ts';

const SEED = new URL('../../../../test/fixtures/seeds/small.yml', import.meta.url).pathname;
const DEV = '100000000002';
const PROD = '100000000003';
let sim: RunningSimulator;
let dev: EC2Client;

before(async () => {
  sim = await startSimulator({ seed: SEED });
  dev = simClients(sim, 'us-east-1', DEV).ec2;
});
after(() => sim.close());

test('DescribeSnapshots: own snapshots with encryption and KMS key; attribute is owner-only', async () => {
  const r = await dev.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }));
  const byId = new Map(r.Snapshots!.map((s) => [s.SnapshotId, s]));
  assert.deepEqual([...byId.keys()].sort(), [
    'snap-0d000000000000001',
    'snap-0d000000000000002',
    'snap-0d000000000000003',
    'snap-0d000000000000004',
  ]);
  assert.equal(byId.get('snap-0d000000000000002')!.Encrypted, true);
  assert.match(byId.get('snap-0d000000000000002')!.KmsKeyId!, /^arn:aws:kms:us-east-1:100000000002:key\//);
  assert.equal(byId.get('snap-0d000000000000002')!.VolumeSize, 16);
  assert.equal(byId.get('snap-0d000000000000001')!.State, 'completed');
  const enc = await dev.send(
    new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'encrypted', Values: ['false'] }] }),
  );
  assert.equal(enc.Snapshots!.length, 3);
  const attr = await dev.send(
    new DescribeSnapshotAttributeCommand({
      SnapshotId: 'snap-0d000000000000001',
      Attribute: 'createVolumePermission',
    }),
  );
  assert.deepEqual(attr.CreateVolumePermissions, []);
  const other = simClients(sim, 'us-east-1', PROD).ec2;
  assert.equal(
    (await awsError(other.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0d000000000000001'] }))))
      .name,
    'InvalidSnapshot.NotFound',
  );
  assert.equal(
    (
      await awsError(
        dev.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0d000000000000001'], MaxResults: 5 })),
      )
    ).name,
    'InvalidParameterCombination',
  );
});

test('DescribeInstances: states, filters, paging by reservation, unknown ids', async () => {
  const all = await dev.send(new DescribeInstancesCommand({}));
  const insts = all.Reservations!.flatMap((r) => r.Instances!);
  assert.deepEqual(
    insts.map((i) => [i.InstanceId, i.State?.Name, i.State?.Code, i.ImageId]),
    [
      ['i-0d000000000000001', 'running', 16, 'ami-0d000000000000001'],
      ['i-0d000000000000002', 'stopped', 80, 'ami-0a000000000000001'],
      ['i-0d000000000000003', 'terminated', 48, 'ami-0d000000000000003'],
    ],
  );
  assert.equal(insts[0]!.LaunchTime?.toISOString(), '2026-10-22T00:00:00.000Z');
  const running = await dev.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'instance-state-name', Values: ['running', 'stopped'] },
        { Name: 'image-id', Values: ['ami-0a*'] },
      ],
    }),
  );
  assert.deepEqual(
    running.Reservations!.flatMap((r) => r.Instances!.map((i) => i.InstanceId)),
    ['i-0d000000000000002'],
  );
  const byTag = await dev.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['web-*'] }] }),
  );
  assert.equal(byTag.Reservations!.length, 1);
  const pages: number[] = [];
  for await (const p of paginateDescribeInstances({ client: dev, pageSize: 5 }, {}))
    pages.push(p.Reservations!.length);
  assert.deepEqual(pages, [3]);
  assert.equal(
    (await awsError(dev.send(new DescribeInstancesCommand({ InstanceIds: ['i-0ffffffffffffffff'] })))).name,
    'InvalidInstanceID.NotFound',
  );
  assert.equal(
    (await awsError(dev.send(new DescribeInstancesCommand({ MaxResults: 1 })))).name,
    'InvalidParameterValue',
  );
});

test('DescribeInstanceImageMetadata names the image behind an instance, also a third-party one', async () => {
  const r = await dev.send(
    new DescribeInstanceImageMetadataCommand({ InstanceIds: ['i-0d000000000000002'] }),
  );
  const m = r.InstanceImageMetadata![0]!;
  assert.equal(m.ImageMetadata?.ImageId, 'ami-0a000000000000001');
  assert.equal(m.ImageMetadata?.ImageOwnerAlias, 'amazon');
  assert.equal(m.ImageMetadata?.IsPublic, true);
  assert.equal(m.State?.Name, 'stopped');
});

test('DescribeLaunchTemplates and versions: $Default, $Latest, numbers, ResolveAlias for resolve:ssm', async () => {
  const lts = await dev.send(new DescribeLaunchTemplatesCommand({}));
  assert.deepEqual(
    lts.LaunchTemplates!.map((t) => [
      t.LaunchTemplateId,
      t.LaunchTemplateName,
      t.DefaultVersionNumber,
      t.LatestVersionNumber,
    ]),
    [['lt-0d000000000000001', 'dev-web', 1, 2]],
  );
  const latest = await dev.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateId: 'lt-0d000000000000001',
      Versions: ['$Latest'],
    }),
  );
  assert.equal(latest.LaunchTemplateVersions![0]!.LaunchTemplateData?.ImageId, 'resolve:ssm:/dev/web/ami');
  const resolved = await dev.send(
    new DescribeLaunchTemplateVersionsCommand({
      LaunchTemplateName: 'dev-web',
      Versions: ['$Latest'],
      ResolveAlias: true,
    }),
  );
  assert.equal(resolved.LaunchTemplateVersions![0]!.LaunchTemplateData?.ImageId, 'ami-0d000000000000002');
  const def = await dev.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Default'] }));
  assert.deepEqual(
    def.LaunchTemplateVersions!.map((v) => [
      v.VersionNumber,
      v.DefaultVersion,
      v.LaunchTemplateData?.ImageId,
    ]),
    [[1, true, 'ami-0d000000000000001']],
  );
  const all = await dev.send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-0d000000000000001', MaxResults: 1 }),
  );
  assert.equal(all.LaunchTemplateVersions!.length, 1);
  assert.ok(all.NextToken);
  assert.equal(
    (
      await awsError(
        dev.send(
          new DescribeLaunchTemplateVersionsCommand({
            LaunchTemplateId: 'lt-0d000000000000001',
            Versions: ['7'],
          }),
        ),
      )
    ).name,
    'InvalidLaunchTemplateId.VersionNotFound',
  );
  assert.equal(
    (
      await awsError(
        dev.send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0ffffffffffffffff'] })),
      )
    ).name,
    'InvalidLaunchTemplateId.NotFound',
  );
  assert.equal(
    (await awsError(dev.send(new DescribeLaunchTemplatesCommand({ MaxResults: 201 })))).name,
    'InvalidParameterValue',
  );
});

test('DescribeRegions, block public access and allowed images settings per account and region', async () => {
  const regions = await dev.send(new DescribeRegionsCommand({}));
  assert.deepEqual(
    regions.Regions!.map((r) => r.RegionName),
    ['eu-west-1', 'us-east-1'],
  );
  const all = await dev.send(new DescribeRegionsCommand({ AllRegions: true }));
  assert.equal(all.Regions!.find((r) => r.RegionName === 'ap-east-1')?.OptInStatus, 'not-opted-in');
  assert.equal(
    (await dev.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState,
    'unblocked',
  );
  const prod = simClients(sim, 'us-east-1', PROD).ec2;
  assert.equal(
    (await prod.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState,
    'block-new-sharing',
  );
  assert.equal((await dev.send(new GetAllowedImagesSettingsCommand({}))).State, 'disabled');
});
