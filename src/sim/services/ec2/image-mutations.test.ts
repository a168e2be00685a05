import { beforeEach, afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeImageAttributeCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  DisableImageCommand,
  DisableImageDeprecationCommand,
  DisableImageDeregistrationProtectionCommand,
  EnableImageCommand,
  EnableImageDeprecationCommand,
  EnableImageDeregistrationProtectionCommand,
  ModifyImageAttributeCommand,
  ResetImageAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { startSimulator } from '../../index.ts';
import type { RunningSimulator } from '../../index.ts';
import { awsError, simClients } from '../../testing.ts';

const SEED = new URL('../../../../test/fixtures/seeds/small.yml', import.meta.url).pathname;
const DEV = '100000000002';
const PROD = '100000000003';
const OU_ARN = 'arn:aws:organizations::100000000001:ou/o-smallorg01/ou-sm01-workload';
const ORG_ARN = 'arn:aws:organizations::100000000001:organization/o-smallorg01';
let sim: RunningSimulator;
let dev: EC2Client;
let prod: EC2Client;
let clock: number;

beforeEach(async () => {
  clock = Date.parse('2026-11-01T00:00:00Z');
  sim = await startSimulator({ seed: SEED, now: () => new Date(clock) });
  dev = simClients(sim, 'us-east-1', DEV).ec2;
  prod = simClients(sim, 'us-east-1', PROD).ec2;
});
afterEach(() => sim.close());

const perms = async (c: EC2Client, ImageId: string) =>
  (await c.send(new DescribeImageAttributeCommand({ ImageId, Attribute: 'launchPermission' })))
    .LaunchPermissions;

test('ModifyImageAttribute adds and removes account, public, org and OU permissions; visibility follows', async () => {
  const ImageId = 'ami-0d000000000000001';
  // an existing image the caller cannot see is silently left out
  assert.deepEqual((await prod.send(new DescribeImagesCommand({ ImageIds: [ImageId] }))).Images, []);
  await dev.send(
    new ModifyImageAttributeCommand({
      ImageId,
      LaunchPermission: {
        Add: [
          { UserId: PROD },
          { OrganizationalUnitArn: OU_ARN },
          { OrganizationArn: ORG_ARN },
          { Group: 'all' },
        ],
      },
    }),
  );
  assert.deepEqual(await perms(dev, ImageId), [
    { UserId: PROD },
    { OrganizationalUnitArn: OU_ARN },
    { OrganizationArn: ORG_ARN },
    { Group: 'all' },
  ]);
  const seen = await prod.send(new DescribeImagesCommand({ ImageIds: [ImageId] }));
  assert.equal(seen.Images![0]!.Public, true);
  await dev.send(
    new ModifyImageAttributeCommand({
      ImageId,
      LaunchPermission: { Remove: [{ Group: 'all' }, { UserId: PROD }, { OrganizationArn: ORG_ARN }] },
    }),
  );
  assert.deepEqual(await perms(dev, ImageId), [{ OrganizationalUnitArn: OU_ARN }]);
  // prod sits in the OU, so it still sees the image
  assert.equal((await prod.send(new DescribeImagesCommand({ ImageIds: [ImageId] }))).Images!.length, 1);
  await dev.send(new ResetImageAttributeCommand({ ImageId, Attribute: 'launchPermission' }));
  assert.deepEqual(await perms(dev, ImageId), []);
  // the flat style works too
  await dev.send(
    new ModifyImageAttributeCommand({
      ImageId,
      Attribute: 'launchPermission',
      OperationType: 'add',
      UserIds: [PROD],
    }),
  );
  assert.deepEqual(await perms(dev, ImageId), [{ UserId: PROD }]);
});

test('launch permissions and other attributes are owner-only; bad values are refused', async () => {
  const shared = 'ami-0d000000000000002';
  assert.deepEqual((await awsError(perms(prod, shared))).name, 'AuthFailure');
  assert.equal(
    (
      await awsError(
        prod.send(
          new ModifyImageAttributeCommand({ ImageId: shared, LaunchPermission: { Add: [{ Group: 'all' }] } }),
        ),
      )
    ).name,
    'AuthFailure',
  );
  assert.equal(
    (
      await awsError(
        dev.send(
          new ModifyImageAttributeCommand({ ImageId: shared, LaunchPermission: { Add: [{ UserId: '12' }] } }),
        ),
      )
    ).name,
    'InvalidAMIAttributeItemValue',
  );
  assert.equal(
    (
      await awsError(
        dev.send(
          new ModifyImageAttributeCommand({
            ImageId: shared,
            LaunchPermission: {
              Add: [{ OrganizationArn: 'arn:aws:organizations::1:organization/o-other0000' }],
            },
          }),
        ),
      )
    ).name,
    'InvalidParameterValue',
  );
  const last = await dev.send(
    new DescribeImageAttributeCommand({
      ImageId: 'ami-0d000000000000004',
      Attribute: 'deregistrationProtection',
    }),
  );
  assert.equal(last.DeregistrationProtection?.Value, 'enabled-without-cooldown');
  assert.equal(
    (
      await awsError(
        dev.send(new DescribeImageAttributeCommand({ ImageId: shared, Attribute: 'blockDeviceMapping' })),
      )
    ).name,
    'AuthFailure',
  );
  const imds = await simClients(sim, 'us-east-1', '137112412989').ec2.send(
    new DescribeImageAttributeCommand({ ImageId: 'ami-0a000000000000001', Attribute: 'imdsSupport' }),
  );
  assert.equal(imds.ImdsSupport?.Value, 'v2.0');
});

test('block public access refuses new public shares in that account and region', async () => {
  await simClients(sim, 'us-east-1', PROD)
    .ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: 'ami-0e000000000000001',
        LaunchPermission: { Add: [{ Group: 'all' }] },
      }),
    )
    .then(
      () => assert.fail('should be refused'),
      (e: Error) => assert.equal(e.name, 'OperationNotPermitted'),
    );
});

test('CreateTags overwrites, DeleteTags by key, by key+value, and all', async () => {
  const ImageId = 'ami-0d000000000000001';
  const tags = async () =>
    Object.fromEntries(
      ((await dev.send(new DescribeImagesCommand({ ImageIds: [ImageId] }))).Images![0]!.Tags ?? []).map(
        (t) => [t.Key, t.Value],
      ),
    );
  await dev.send(
    new CreateTagsCommand({
      Resources: [ImageId, 'snap-0d000000000000001'],
      Tags: [
        { Key: 'Team', Value: 'core' },
        { Key: 'Owner', Value: 'ana' },
      ],
    }),
  );
  assert.deepEqual(await tags(), { Team: 'core', Env: 'dev', Owner: 'ana' });
  const snap = await dev.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0d000000000000001'] }));
  assert.equal(snap.Snapshots![0]!.Tags!.length, 2);
  await dev.send(
    new DeleteTagsCommand({ Resources: [ImageId], Tags: [{ Key: 'Owner', Value: 'bob' }, { Key: 'Team' }] }),
  );
  assert.deepEqual(await tags(), { Env: 'dev', Owner: 'ana' });
  await dev.send(new DeleteTagsCommand({ Resources: [ImageId] }));
  assert.deepEqual(await tags(), {});
  assert.equal(
    (
      await awsError(
        prod.send(new CreateTagsCommand({ Resources: [ImageId], Tags: [{ Key: 'a', Value: 'b' }] })),
      )
    ).name,
    'InvalidAMIID.NotFound',
  );
  assert.equal(
    (
      await awsError(
        dev.send(new CreateTagsCommand({ Resources: [ImageId], Tags: [{ Key: 'aws:x', Value: 'b' }] })),
      )
    ).name,
    'InvalidParameterValue',
  );
});

test('DeregisterImage: protection refuses, cooldown holds 24 h, snapshots deleted unless shared, then Unavailable', async () => {
  const ImageId = 'ami-0d000000000000002';
  await dev.send(new EnableImageDeregistrationProtectionCommand({ ImageId, WithCooldown: true }));
  const refused = await awsError(dev.send(new DeregisterImageCommand({ ImageId })));
  assert.equal(refused.name, 'OperationNotPermitted');
  const off = await dev.send(new DisableImageDeregistrationProtectionCommand({ ImageId }));
  assert.equal(off.Return, 'disabled');
  assert.equal(
    (await awsError(dev.send(new DeregisterImageCommand({ ImageId })))).name,
    'OperationNotPermitted',
    'cooldown',
  );
  clock += 24 * 3600_000 + 1000;
  assert.equal((await awsError(prod.send(new DeregisterImageCommand({ ImageId })))).name, 'AuthFailure');
  const r = await dev.send(new DeregisterImageCommand({ ImageId, DeleteAssociatedSnapshots: true }));
  assert.deepEqual(r.DeleteSnapshotResults, [
    { SnapshotId: 'snap-0d000000000000002', ReturnCode: 'success' },
  ]);
  assert.equal(
    (await awsError(dev.send(new DescribeSnapshotsCommand({ SnapshotIds: ['snap-0d000000000000002'] }))))
      .name,
    'InvalidSnapshot.NotFound',
  );
  assert.equal(
    (await awsError(dev.send(new DeregisterImageCommand({ ImageId })))).name,
    'InvalidAMIID.Unavailable',
  );
  // prod's instance still runs on it: the id answers empty rather than NotFound, and is gone from listings
  assert.deepEqual((await prod.send(new DescribeImagesCommand({ ImageIds: [ImageId] }))).Images, []);
  assert.ok(
    !(await dev.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images!.some(
      (i) => i.ImageId === ImageId,
    ),
  );
});

test('a snapshot shared by two images is skipped when one is deregistered', async () => {
  const img = sim.state.images.get('ami-0d000000000000001')!;
  sim.state.images
    .get('ami-0d000000000000003')!
    .blockDevices.push({ ...img.blockDevices[0]!, deviceName: '/dev/sdb' });
  sim.state.addImage(sim.state.images.get('ami-0d000000000000003')!);
  const r = await dev.send(
    new DeregisterImageCommand({ ImageId: 'ami-0d000000000000003', DeleteAssociatedSnapshots: true }),
  );
  assert.deepEqual(
    r.DeleteSnapshotResults?.map((x) => x.ReturnCode),
    ['success', 'skipped'],
  );
});

test('DeleteSnapshot: refused while any non-deregistered image (disabled too) holds it; owner only', async () => {
  const ImageId = 'ami-0d000000000000002';
  const SnapshotId = 'snap-0d000000000000002';
  assert.equal(
    (await awsError(dev.send(new DeleteSnapshotCommand({ SnapshotId })))).name,
    'InvalidSnapshot.InUse',
  );
  await dev.send(new DisableImageCommand({ ImageId }));
  assert.equal(
    (await awsError(dev.send(new DeleteSnapshotCommand({ SnapshotId })))).name,
    'InvalidSnapshot.InUse',
  );
  await dev.send(new EnableImageCommand({ ImageId }));
  await dev.send(new DeregisterImageCommand({ ImageId }));
  assert.equal(
    (await awsError(prod.send(new DeleteSnapshotCommand({ SnapshotId })))).name,
    'InvalidSnapshot.NotFound',
  );
  await dev.send(new DeleteSnapshotCommand({ SnapshotId }));
  assert.equal(
    (await awsError(dev.send(new DescribeSnapshotsCommand({ SnapshotIds: [SnapshotId] })))).name,
    'InvalidSnapshot.NotFound',
  );
});

test('deprecation: future only, rounded to the minute, hidden from non-owners once due, cleared by Disable', async () => {
  const ImageId = 'ami-0d000000000000002';
  assert.equal(
    (
      await awsError(
        dev.send(new EnableImageDeprecationCommand({ ImageId, DeprecateAt: new Date(clock - 60_000) })),
      )
    ).name,
    'InvalidParameterValue',
  );
  await dev.send(
    new EnableImageDeprecationCommand({ ImageId, DeprecateAt: new Date(clock + 3600_000 + 20_000) }),
  );
  const own = await dev.send(new DescribeImagesCommand({ ImageIds: [ImageId] }));
  assert.equal(own.Images![0]!.DeprecationTime, '2026-11-01T01:00:00.000Z');
  assert.equal((await prod.send(new DescribeImagesCommand({ Owners: [DEV] }))).Images!.length, 1);
  clock += 2 * 3600_000;
  assert.equal((await prod.send(new DescribeImagesCommand({ Owners: [DEV] }))).Images!.length, 0);
  assert.equal(
    (await prod.send(new DescribeImagesCommand({ Owners: [DEV], IncludeDeprecated: true }))).Images!.length,
    2,
  );
  await dev.send(new DisableImageDeprecationCommand({ ImageId }));
  assert.equal((await prod.send(new DescribeImagesCommand({ Owners: [DEV] }))).Images!.length, 1);
});

test('DisableImage drops every share for good; EnableImage brings it back private', async () => {
  const ImageId = 'ami-0d000000000000002';
  await dev.send(new DisableImageCommand({ ImageId }));
  assert.equal(
    (await prod.send(new DescribeImagesCommand({ Owners: [DEV], IncludeDisabled: true }))).Images!.length,
    0,
  );
  const own = await dev.send(new DescribeImagesCommand({ ImageIds: [ImageId], IncludeDisabled: true }));
  assert.equal(own.Images![0]!.State, 'disabled');
  assert.deepEqual(
    await dev.send(new DescribeImagesCommand({ ImageIds: [ImageId] })).then((r) => r.Images),
    [],
  );
  assert.equal(
    (
      await awsError(
        dev.send(new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ UserId: PROD }] } })),
      )
    ).name,
    'OperationNotPermitted',
  );
  await dev.send(new EnableImageCommand({ ImageId }));
  assert.deepEqual(await perms(dev, ImageId), []);
  assert.equal((await awsError(dev.send(new EnableImageCommand({ ImageId })))).name, 'IncorrectState');
});
