import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeImagesCommand, paginateDescribeImages } from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { startSimulator } from '../../index.ts';
import type { RunningSimulator } from '../../index.ts';
import { awsError, simClients } from '../../testing.ts';

const SEED = new URL('../../../../test/fixtures/seeds/small.yml', import.meta.url).pathname;
const DEV = '100000000002';
const PROD = '100000000003';
let sim: RunningSimulator;
let dev: EC2Client;
let prod: EC2Client;

before(async () => {
  sim = await startSimulator({ seed: SEED });
  dev = simClients(sim, 'us-east-1', DEV).ec2;
  prod = simClients(sim, 'us-east-1', PROD).ec2;
});
after(() => sim.close());

const ids = (r: { Images?: { ImageId?: string }[] }) => (r.Images ?? []).map((i) => i.ImageId).sort();

test('Owners=self lists own images, deprecated included for the owner, disabled only with IncludeDisabled', async () => {
  assert.deepEqual(ids(await dev.send(new DescribeImagesCommand({ Owners: ['self'] }))), [
    'ami-0d000000000000001',
    'ami-0d000000000000002',
    'ami-0d000000000000003',
  ]);
  const all = await dev.send(
    new DescribeImagesCommand({ Owners: ['self'], IncludeDisabled: true, IncludeDeprecated: true }),
  );
  assert.deepEqual(ids(all), [
    'ami-0d000000000000001',
    'ami-0d000000000000002',
    'ami-0d000000000000003',
    'ami-0d000000000000004',
  ]);
  const disabled = all.Images!.find((i) => i.ImageId === 'ami-0d000000000000004')!;
  assert.equal(disabled.State, 'disabled');
  assert.equal(disabled.DeregistrationProtection, 'enabled-without-cooldown');
});

test('image fields come back with their SDK names and the seed dates', async () => {
  const r = await dev.send(new DescribeImagesCommand({ ImageIds: ['ami-0d000000000000002'] }));
  const img = r.Images![0]!;
  assert.equal(img.Name, 'dev-app-2026-10');
  assert.equal(img.OwnerId, DEV);
  assert.equal(img.CreationDate, '2026-10-12T00:00:00.000Z');
  assert.equal(img.Public, false);
  assert.equal(img.BlockDeviceMappings![0]!.Ebs!.SnapshotId, 'snap-0d000000000000002');
  assert.equal(img.BlockDeviceMappings![0]!.Ebs!.Encrypted, true);
  assert.equal(img.BlockDeviceMappings![0]!.Ebs!.VolumeSize, 16);
  const copy = await simClients(sim, 'eu-west-1', DEV).ec2.send(
    new DescribeImagesCommand({ Owners: ['self'] }),
  );
  assert.equal(copy.Images![0]!.SourceImageId, 'ami-0d000000000000001');
  assert.equal(copy.Images![0]!.SourceImageRegion, 'us-east-1');
});

test('a non-owner sees shares (account, org) and public images, but not deprecated ones unless asked or named', async () => {
  assert.deepEqual(ids(await prod.send(new DescribeImagesCommand({}))), [
    'ami-0a000000000000001',
    'ami-0d000000000000002',
    'ami-0e000000000000001',
  ]);
  assert.deepEqual(
    ids(await prod.send(new DescribeImagesCommand({ IncludeDeprecated: true, Owners: [DEV] }))),
    ['ami-0d000000000000002', 'ami-0d000000000000003'],
  );
  assert.deepEqual(ids(await prod.send(new DescribeImagesCommand({ ImageIds: ['ami-0d000000000000003'] }))), [
    'ami-0d000000000000003',
  ]);
  // owner-only facts are withheld from a non-owner
  const shared = await prod.send(new DescribeImagesCommand({ ImageIds: ['ami-0d000000000000002'] }));
  assert.equal(shared.Images![0]!.DeregistrationProtection, undefined);
  // the org share reaches dev too; a private image of prod does not reach the management account
  assert.deepEqual(ids(await dev.send(new DescribeImagesCommand({ Owners: [PROD] }))), [
    'ami-0e000000000000001',
  ]);
});

test('ExecutableBy: self means shared with me (org included), all means public', async () => {
  assert.deepEqual(ids(await prod.send(new DescribeImagesCommand({ ExecutableUsers: ['self'] }))), [
    'ami-0d000000000000002',
  ]);
  assert.deepEqual(ids(await dev.send(new DescribeImagesCommand({ ExecutableUsers: ['self'] }))), [
    'ami-0e000000000000001',
  ]);
  assert.deepEqual(ids(await prod.send(new DescribeImagesCommand({ ExecutableUsers: ['all'] }))), [
    'ami-0a000000000000001',
  ]);
  assert.deepEqual(
    ids(await dev.send(new DescribeImagesCommand({ Owners: ['self'], ExecutableUsers: [PROD] }))),
    ['ami-0d000000000000002'],
  );
});

test('Owners=amazon selects by owner alias', async () => {
  const r = await dev.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  assert.deepEqual(ids(r), ['ami-0a000000000000001']);
  assert.equal(r.Images![0]!.ImageOwnerAlias, 'amazon');
});

test('filters: tag, tag-key, name wildcard, is-public, state, owner-id, image-type, root-device-type, image-id', async () => {
  const f = async (Name: string, Values: string[]) =>
    ids(
      await dev.send(
        new DescribeImagesCommand({ Owners: ['self'], IncludeDisabled: true, Filters: [{ Name, Values }] }),
      ),
    );
  assert.deepEqual(await f('tag:Team', ['platform']), ['ami-0d000000000000001']);
  assert.deepEqual(await f('tag-key', ['Env']), ['ami-0d000000000000001']);
  assert.deepEqual(await f('name', ['dev-*-2026-??']), ['ami-0d000000000000002']);
  assert.deepEqual(await f('is-public', ['true']), ['ami-0d000000000000003']);
  assert.deepEqual(await f('state', ['disabled']), ['ami-0d000000000000004']);
  assert.deepEqual(await f('owner-id', [PROD]), []);
  assert.deepEqual((await f('image-type', ['machine'])).length, 4);
  assert.deepEqual(await f('root-device-type', ['instance-store']), []);
  assert.deepEqual(await f('image-id', ['ami-0d000000000000001', 'ami-0d000000000000004']), [
    'ami-0d000000000000001',
    'ami-0d000000000000004',
  ]);
  assert.deepEqual(await f('block-device-mapping.encrypted', ['true']), ['ami-0d000000000000002']);
  assert.deepEqual(await f('source-image-id', ['ami-*']), []);
  assert.deepEqual((await f('free-tier-eligible', ['false'])).length, 4);
  const bad = await awsError(
    dev.send(new DescribeImagesCommand({ Filters: [{ Name: 'colour', Values: ['x'] }] })),
  );
  assert.equal(bad.name, 'InvalidParameterValue');
});

test('paging: the SDK paginator walks every page with MaxResults and the pages add up to the listing', async () => {
  sim.resetCallCounts();
  const seen: string[] = [];
  for await (const page of paginateDescribeImages(
    { client: dev, pageSize: 5 },
    { Owners: ['self'], IncludeDisabled: true, IncludeDeprecated: true },
  ))
    seen.push(...(page.Images ?? []).map((i) => i.ImageId!));
  assert.equal(seen.length, 4);
  assert.equal(sim.callCounts()['ec2:DescribeImages'], 1);
  const first = await dev.send(
    new DescribeImagesCommand({ MaxResults: 5, Owners: ['self', 'amazon', PROD], IncludeDisabled: true }),
  );
  assert.equal(first.Images!.length, 5);
  assert.ok(first.NextToken);
  const again = await dev.send(
    new DescribeImagesCommand({ MaxResults: 5, Owners: ['self', 'amazon', PROD], IncludeDisabled: true }),
  );
  assert.equal(again.NextToken, first.NextToken, 'tokens are stable while the state is unchanged');
  const second = await dev.send(
    new DescribeImagesCommand({
      MaxResults: 5,
      NextToken: first.NextToken,
      Owners: ['self', 'amazon', PROD],
      IncludeDisabled: true,
    }),
  );
  assert.deepEqual(ids(second), ['ami-0e000000000000001']);
  assert.equal(second.NextToken, undefined);
  const wrong = await awsError(
    dev.send(new DescribeImagesCommand({ MaxResults: 5, NextToken: first.NextToken, Owners: ['self'] })),
  );
  assert.equal(wrong.name, 'InvalidPaginationToken');
});

test('errors: unknown, malformed, MaxResults with ids, MaxResults below 5, DryRun', async () => {
  const nf = await awsError(dev.send(new DescribeImagesCommand({ ImageIds: ['ami-0ffffffffffffffff'] })));
  assert.deepEqual([nf.name, nf.status], ['InvalidAMIID.NotFound', 400]);
  assert.match(nf.message, /ami-0ffffffffffffffff/);
  assert.equal(
    (await awsError(dev.send(new DescribeImagesCommand({ ImageIds: ['nope'] })))).name,
    'InvalidAMIID.Malformed',
  );
  assert.equal(
    (
      await awsError(
        dev.send(new DescribeImagesCommand({ ImageIds: ['ami-0d000000000000001'], MaxResults: 5 })),
      )
    ).name,
    'InvalidParameterCombination',
  );
  assert.equal(
    (await awsError(dev.send(new DescribeImagesCommand({ MaxResults: 2 })))).name,
    'InvalidParameterValue',
  );
  const dry = await awsError(dev.send(new DescribeImagesCommand({ DryRun: true })));
  assert.deepEqual([dry.name, dry.status], ['DryRunOperation', 412]);
  // an image in another region is unknown here
  assert.equal(
    (await awsError(dev.send(new DescribeImagesCommand({ ImageIds: ['ami-0d000000000000101'] })))).name,
    'InvalidAMIID.NotFound',
  );
});
