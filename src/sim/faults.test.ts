import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand, DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { FaultInjector } from './faults.ts';
import { startSimulator } from './index.ts';
import type { RunningSimulator } from './index.ts';
import { awsError, simClients } from './testing.ts';

const SEED = new URL('../../test/fixtures/seeds/small.yml', import.meta.url).pathname;
const DEV = '100000000002';
let sim: RunningSimulator;

before(async () => {
  sim = await startSimulator({ seed: SEED });
});
after(() => sim.close());

test('throttling answers in each protocol’s own terms and status', async () => {
  sim.setFaults({ throttleRate: 1 });
  const c = simClients(sim, 'us-east-1', DEV);
  const ec2 = await awsError(c.ec2.send(new DescribeRegionsCommand({})));
  assert.deepEqual([ec2.name, ec2.status], ['RequestLimitExceeded', 503]);
  const asg = await awsError(c.asg.send(new DescribeAutoScalingGroupsCommand({})));
  assert.deepEqual([asg.name, asg.status], ['Throttling', 400]);
  const ssm = await awsError(c.ssm.send(new GetParameterCommand({ Name: '/dev/web/ami' })));
  assert.deepEqual([ssm.name, ssm.status], ['ThrottlingException', 400]);
  const org = await awsError(simClients(sim, 'us-east-1').org.send(new ListAccountsCommand({})));
  assert.deepEqual([org.name, org.status], ['TooManyRequestsException', 400]);
  sim.setFaults({});
});

test('server errors are 5xx InternalError or Unavailable', async () => {
  sim.setFaults({ serverErrorRate: 1, randomSeed: 3 });
  const c = simClients(sim, 'us-east-1', DEV);
  const seen = new Set<string>();
  for (let i = 0; i < 12; i++) {
    const e = await awsError(c.ec2.send(new DescribeRegionsCommand({})));
    seen.add(`${e.name}:${e.status}`);
  }
  assert.deepEqual([...seen].sort(), ['InternalError:500', 'Unavailable:503']);
  sim.setFaults({});
});

test('the SDK retries injected throttling and 5xx and ends with the same answer', async () => {
  // With this seed the 2nd draw is a 5xx and the 10th a throttle: one retry of each.
  sim.setFaults({ throttleRate: 0.1, serverErrorRate: 0.2, randomSeed: 14 });
  sim.resetCallCounts();
  const c = simClients(sim, 'us-east-1', DEV, 10);
  const answers = new Set<string>();
  for (let i = 0; i < 9; i++) {
    const r = await c.ec2.send(new DescribeImagesCommand({ ImageIds: ['ami-0d000000000000001'] }));
    answers.add(r.Images!.map((x) => x.ImageId).join());
  }
  assert.deepEqual([...answers], ['ami-0d000000000000001']);
  assert.equal(sim.callCounts()['ec2:DescribeImages'], 11, 'two calls were faulted and retried');
  sim.setFaults({});
});

test('failRegions, failAccounts and failActions fail every matching call and nothing else', async () => {
  sim.setFaults({
    failRegions: ['eu-west-1'],
    failAccounts: ['100000000003'],
    failActions: ['autoscaling:DescribeAutoScalingGroups'],
  });
  const dev = simClients(sim, 'us-east-1', DEV);
  assert.equal(
    (await awsError(simClients(sim, 'eu-west-1', DEV).ec2.send(new DescribeRegionsCommand({})))).status,
    500,
  );
  assert.equal(
    (await awsError(simClients(sim, 'us-east-1', '100000000003').ec2.send(new DescribeRegionsCommand({}))))
      .status,
    500,
  );
  assert.equal(
    (await awsError(dev.asg.send(new DescribeAutoScalingGroupsCommand({})))).name,
    'InternalFailure',
  );
  assert.equal((await dev.ec2.send(new DescribeRegionsCommand({}))).Regions!.length, 2);
  sim.setFaults({});
});

test('fault draws are deterministic per seed and independent of how call kinds interleave', () => {
  const run = (order: string[]) => {
    const f = new FaultInjector({ throttleRate: 0.3, serverErrorRate: 0.1, randomSeed: 42 });
    const out: Record<string, string[]> = {};
    for (const a of order) (out[a] ??= []).push(f.decide('ec2', a, DEV, 'us-east-1')?.kind ?? 'ok');
    return out;
  };
  const a = run([
    'DescribeImages',
    'DescribeInstances',
    'DescribeImages',
    'DescribeImages',
    'DescribeInstances',
  ]);
  const b = run([
    'DescribeInstances',
    'DescribeImages',
    'DescribeInstances',
    'DescribeImages',
    'DescribeImages',
  ]);
  assert.deepEqual(a, b);
  const many = new FaultInjector({ throttleRate: 0.1, randomSeed: 1 });
  let throttled = 0;
  for (let i = 0; i < 2000; i++) if (many.decide('ec2', 'DescribeImages', DEV, 'us-east-1')) throttled++;
  assert.ok(throttled > 150 && throttled < 250, `about 10% throttled, got ${throttled}`);
  assert.throws(() => new FaultInjector({ throttleRate: 2 }), RangeError);
});
