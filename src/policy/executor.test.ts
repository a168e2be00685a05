import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryAudit } from './audit.ts';
import type { AccountGroup } from './config.ts';
import { DEFAULT_GROUP } from './config.ts';
import { compileText, runAll } from './engine.ts';
import { Inventory } from './inventory.ts';
import type { PolicyImage } from './resource.ts';
import { NOW, RecordingEffects, image, naiveDeregisterPolicy } from './testing.ts';

const A = '111111111111';
const B = '222222222222';
const OUTSIDE = '999999999999';

async function run(
  yaml: string,
  images: PolicyImage[],
  opts: { groups?: AccountGroup[]; dryrun?: boolean; now?: Date } = {},
) {
  const policies = await compileText('t.yml', yaml, opts.groups ?? [DEFAULT_GROUP]);
  const audit = new MemoryAudit();
  const effects = new RecordingEffects();
  const inventory = new Inventory(images, [A, B]);
  const runs = await runAll(policies, inventory, {
    runId: 'r1',
    now: opts.now ?? NOW,
    dryrun: opts.dryrun ?? false,
    audit,
    effects: (acct, region) => effects.for(acct, region),
  });
  return { runs, audit, effects };
}

const NAIVE = naiveDeregisterPolicy();

const dep = [{ Key: 'lifecycle', Value: 'deprecated' }];

function adversarialEstate(): PolicyImage[] {
  return [
    image({
      ImageId: 'ami-consumer',
      Tags: dep,
      perms: [{ UserId: B }],
      usage: [{ id: 'i-b1', accountId: B, state: 'running' }],
    }),
    image({
      ImageId: 'ami-bare-lt',
      Tags: dep,
      usage: [{ kind: 'launch-template-version', id: 'lt-1:3', state: 'referenced' }],
    }),
    image({
      ImageId: 'ami-asg',
      Tags: dep,
      usage: [{ kind: 'auto-scaling-group', id: 'web', state: 'active' }],
    }),
    image({ ImageId: 'ami-shares-snap', Tags: dep, snapshots: ['snap-shared', 'snap-own'] }),
    image({ ImageId: 'ami-disabled-holder', State: 'disabled', snapshots: ['snap-shared'] }),
    image({ ImageId: 'ami-terminated-only', Tags: dep, usage: [{ id: 'i-old', state: 'terminated' }] }),
    image({ ImageId: 'ami-outside', Tags: dep, perms: [{ UserId: OUTSIDE }] }),
    image({ ImageId: 'ami-public', Tags: dep, perms: [{ Group: 'all' }] }),
    image({
      ImageId: 'ami-stale-but-used',
      Tags: dep,
      LastLaunchedTime: '2025-01-01T00:00:00Z',
      usage: [{ id: 'i-stopped', state: 'stopped' }],
    }),
    image({ ImageId: 'ami-protected', Tags: dep, DeregistrationProtection: 'enabled-with-cooldown' }),
  ];
}

test('a naive deregister policy harms nothing in use, and every decision has an audit row', async () => {
  const { audit, effects } = await run(NAIVE, adversarialEstate());
  const calls = effects.calls.map((c) => `${c.call}:${String(c.args[0])}`).sort();
  assert.deepEqual(calls, [
    'deleteSnapshot:snap-own',
    'deleteSnapshot:snap-terminated-only',
    'deregisterImage:ami-shares-snap',
    'deregisterImage:ami-terminated-only',
  ]);
  const reason = (id: string, action = 'deregister') =>
    audit.rows.find((r) => r.resourceId === id && r.action === action)?.reason ?? '';
  assert.match(reason('ami-consumer'), /instance i-b1 \(running\) in 222222222222\/us-east-1/);
  assert.match(reason('ami-bare-lt'), /launch-template-version lt-1:3/);
  assert.match(reason('ami-asg'), /auto-scaling-group web/);
  assert.match(reason('ami-outside'), /account 999999999999 outside the inventory/);
  assert.match(reason('ami-public'), /public/);
  assert.match(reason('ami-stale-but-used'), /instance i-stopped \(stopped\)/);
  assert.match(reason('ami-protected'), /deregistration protection is enabled-with-cooldown/);
  assert.match(
    reason('snap-shared', 'delete-snapshot'),
    /still referenced by ami-disabled-holder \(disabled\)/,
  );
  // 9 matched images + 3 snapshot decisions; the disabled image never matched.
  assert.equal(audit.rows.length, 12);
  assert.ok(!audit.rows.some((r) => r.resourceId === 'ami-disabled-holder'));
});

test('allow-in-use: true lets deregister act on used images but still spares shared snapshots', async () => {
  const yaml = naiveDeregisterPolicy(['allow-in-use: true']);
  const { effects } = await run(yaml, adversarialEstate());
  const deregistered = effects.calls.filter((c) => c.call === 'deregisterImage').map((c) => c.args[0]);
  assert.ok(deregistered.includes('ami-asg'));
  assert.ok(!deregistered.includes('ami-protected'));
  assert.ok(!effects.calls.some((c) => c.call === 'deleteSnapshot' && c.args[0] === 'snap-shared'));
});

test('max-resources trips before any action and records why for each match', async () => {
  const yaml = naiveDeregisterPolicy(['max-resources: 3']);
  const { runs, audit, effects } = await run(yaml, adversarialEstate());
  assert.equal(effects.calls.length, 0);
  assert.match(runs[0]?.tripped ?? '', /9 of 10 resources matched .* max-resources 3/);
  assert.equal(audit.rows.length, 9);
  assert.ok(audit.rows.every((r) => r.outcome === 'skipped' && r.reason.startsWith('circuit breaker')));
});

test('max-resources-percent trips on the share of the group scope', async () => {
  const yaml = naiveDeregisterPolicy(['max-resources-percent: 50']);
  const { runs, effects } = await run(yaml, adversarialEstate());
  assert.equal(effects.calls.length, 0);
  assert.match(runs[0]?.tripped ?? '', /90\.0%/);
});

test('--dryrun decides and records but calls nothing', async () => {
  const { audit, effects } = await run(NAIVE, adversarialEstate(), { dryrun: true });
  assert.equal(effects.calls.length, 0);
  assert.deepEqual(
    audit.rows
      .filter((r) => r.outcome === 'dryrun')
      .map((r) => r.resourceId)
      .sort(),
    ['ami-protected', 'ami-shares-snap', 'ami-terminated-only'],
  );
});

test('{environment_ageout} over three groups matches 30/90/180 days and modes cap actions', async () => {
  const groups: AccountGroup[] = [
    { name: 'dev', mode: 'enforce', accounts: ['100000000001'], variables: { environment_ageout: 30 } },
    { name: 'stage', mode: 'notify', accounts: ['100000000002'], variables: { environment_ageout: 90 } },
    { name: 'prod', mode: 'report', accounts: ['100000000003'], variables: { environment_ageout: 180 } },
  ];
  const images = groups.flatMap((g, gi) =>
    [20, 60, 120, 200].map((d) => image({ ImageId: `ami-${gi}-${d}`, account: g.accounts[0], daysOld: d })),
  );
  const yaml = `policies:
  - name: ageout
    resource: aws.ami
    filters:
      - type: image-age
        days: "{environment_ageout}"
    actions:
      - type: tag
        key: ageout
        value: "past {environment_ageout} days"
`;
  const { runs, audit, effects } = await run(yaml, images, { groups });
  const matched = Object.fromEntries(runs.map((r) => [r.group, r.resources.map((x) => x.ImageId)]));
  assert.deepEqual(matched, {
    dev: ['ami-0-60', 'ami-0-120', 'ami-0-200'],
    stage: ['ami-1-120', 'ami-1-200'],
    prod: ['ami-2-200'],
  });
  assert.deepEqual(
    effects.calls.map((c) => [c.args[0], c.args[1]]),
    ['ami-0-60', 'ami-0-120', 'ami-0-200'].map((id) => [id, [{ Key: 'ageout', Value: 'past 30 days' }]]),
  );
  assert.deepEqual(
    audit.notifications.map((n) => n.resourceId),
    ['ami-1-120', 'ami-1-200'],
  );
  assert.deepEqual(
    audit.rows.map((r) => `${r.group}:${r.outcome}`),
    ['dev:done', 'dev:done', 'dev:done', 'stage:notified', 'stage:notified', 'prod:skipped'],
  );
});

test('re-running is idempotent: the second run changes nothing', async () => {
  const images = adversarialEstate();
  const yaml = `policies:
  - name: tag-and-mark
    resource: aws.ami
    filters:
      - "tag:lifecycle": deprecated
    actions:
      - type: tag
        key: seen
        value: "yes"
      - type: mark-for-op
        op: deregister
        days: 7
`;
  const first = await run(yaml, images);
  assert.equal(first.effects.calls.length, 18);
  const second = await run(yaml, images);
  assert.equal(second.effects.calls.length, 0);
  assert.ok(second.audit.rows.every((r) => r.outcome === 'skipped'));
  const dereg = await run(NAIVE, images);
  assert.equal((await run(NAIVE, images)).effects.calls.length, 0);
  assert.ok(dereg.effects.calls.length > 0);
});

test('a failed AWS call is a failed audit row and the run goes on', async () => {
  const images = [image({ ImageId: 'ami-1', Tags: dep }), image({ ImageId: 'ami-2', Tags: dep })];
  const policies = await compileText('t.yml', NAIVE, [DEFAULT_GROUP]);
  const audit = new MemoryAudit();
  const effects = new RecordingEffects();
  effects.failOn.add('ami-1');
  await runAll(policies, new Inventory(images), {
    runId: 'r',
    now: NOW,
    dryrun: false,
    audit,
    effects: (a, r) => effects.for(a, r),
  });
  assert.deepEqual(
    audit.rows.filter((r) => r.action === 'deregister').map((r) => [r.resourceId, r.outcome]),
    [
      ['ami-1', 'failed'],
      ['ami-2', 'done'],
    ],
  );
});

test('retire walks deprecate -> disable -> deregister over days and re-checks usage each step', async () => {
  const img = image({ ImageId: 'ami-r', Tags: dep });
  const yaml = `policies:
  - name: retire
    resource: aws.ami
    filters:
      - "tag:lifecycle": deprecated
    actions:
      - type: retire
        disable-after-days: 10
        deregister-after-days: 10
        delete-snapshots: true
`;
  const day = (n: number) => new Date(NOW.getTime() + n * 86_400_000);
  const step = async (n: number) =>
    (await run(yaml, [img], { now: day(n) })).audit.rows.map((r) => `${r.action}:${r.outcome}:${r.reason}`);
  assert.match((await step(0))[0] ?? '', /retire:done:retire step 1\/3: deprecated/);
  assert.match((await step(5))[0] ?? '', /retire:skipped:retire: deprecated since/);
  img.usage.push({
    kind: 'instance',
    id: 'i-new',
    accountId: A,
    region: 'us-east-1',
    state: 'running',
    inUse: true,
  });
  assert.match((await step(11))[0] ?? '', /retire:skipped:in use by instance i-new/);
  img.usage.pop();
  assert.match((await step(12))[0] ?? '', /retire:done:retire step 2\/3: disabled/);
  assert.equal(img.resource.State, 'disabled');
  assert.match((await step(15))[0] ?? '', /retire:skipped:retire: disabled since/);
  const last = await step(23);
  assert.deepEqual(last, [
    'delete-snapshot:done:snapshot of ami-r',
    'retire:done:retire step 3/3: deregistered',
  ]);
});
