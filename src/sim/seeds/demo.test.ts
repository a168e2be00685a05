import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  DescribeImagesCommand,
  DescribeInstanceImageMetadataCommand,
  DescribeInstancesCommand,
  GetImageBlockPublicAccessStateCommand,
} from '@aws-sdk/client-ec2';
import { startSimulator } from '../index.ts';
import type { RunningSimulator } from '../index.ts';
import { simClients } from '../testing.ts';

const DEMO = new URL('./demo.yml', import.meta.url).pathname;
let sim: RunningSimulator;

before(async () => {
  sim = await startSimulator({ seed: DEMO });
});
after(() => sim.close());

test('the demo estate has 3 workload accounts + management, 2 regions and at least 60 images', () => {
  const s = sim.state;
  assert.deepEqual(s.regions, ['us-east-1', 'eu-west-1']);
  const members = [...s.accounts.values()].filter((a) => a.member).map((a) => a.name);
  assert.deepEqual(members, ['acme-management', 'acme-dev', 'acme-stage', 'acme-prod']);
  assert.ok(s.images.size >= 60, `${s.images.size} images`);
  const owned = [...s.images.values()].filter((i) => s.accounts.get(i.ownerId)?.member);
  assert.ok(owned.length >= 50);
});

test('planted cases are served as the comments say', async () => {
  const dev = simClients(sim, 'us-east-1', '222222222222');
  // deregistered image behind a running instance: absent from listings, present in instance metadata
  const own = await dev.ec2.send(new DescribeImagesCommand({ Owners: ['self'], IncludeDisabled: true }));
  assert.ok(!own.Images!.some((i) => i.ImageId === 'ami-02100000000000021'));
  assert.ok(own.Images!.some((i) => i.ImageId === 'ami-02100000000000015' && i.State === 'disabled'));
  const md = await dev.ec2.send(
    new DescribeInstanceImageMetadataCommand({ InstanceIds: ['i-02100000000000004'] }),
  );
  assert.equal(md.InstanceImageMetadata![0]!.ImageMetadata?.State, 'deregistered');
  // allowed images in audit mode: the Marketplace image is marked not allowed, Amazon's allowed
  const third = await dev.ec2.send(
    new DescribeImagesCommand({ ImageIds: ['ami-0b100000000000001', 'ami-0a100000000000001'] }),
  );
  assert.deepEqual(Object.fromEntries(third.Images!.map((i) => [i.ImageId, i.ImageAllowed])), {
    'ami-0b100000000000001': false,
    'ami-0a100000000000001': true,
  });
  // the ASG on a deleted template is served as is
  const asgs = await dev.asg.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['dev-orphan-asg'] }),
  );
  assert.equal(asgs.AutoScalingGroups![0]!.LaunchTemplate?.LaunchTemplateId, 'lt-02100000000000099');
  // prod: block public access on; allowed images enabled in eu-west-1 hides dev's and stage's shares there
  const prod = simClients(sim, 'us-east-1', '444444444444');
  assert.equal(
    (await prod.ec2.send(new GetImageBlockPublicAccessStateCommand({}))).ImageBlockPublicAccessState,
    'block-new-sharing',
  );
  const prodEu = simClients(sim, 'eu-west-1', '444444444444');
  const visible = await prodEu.ec2.send(new DescribeImagesCommand({}));
  const owners = new Set(visible.Images!.map((i) => i.OwnerId));
  assert.deepEqual([...owners].sort(), ['137112412989', '444444444444']);
  // Amazon's 780-day-old image fails maxDaysSinceCreated 365
  assert.ok(!visible.Images!.some((i) => i.ImageId === 'ami-0a200000000000002'));
  // instances in every state
  const stage = simClients(sim, 'us-east-1', '333333333333');
  const states = new Set(
    (await stage.ec2.send(new DescribeInstancesCommand({}))).Reservations!.flatMap((r) =>
      r.Instances!.map((i) => i.State!.Name),
    ),
  );
  assert.deepEqual([...states].sort(), ['pending', 'running', 'shutting-down', 'stopped', 'stopping']);
});
