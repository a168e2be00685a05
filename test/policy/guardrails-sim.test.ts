import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { naiveDeregisterPolicy } from '../../src/policy/testing.ts';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { FIXTURES } from './harness.ts';

const NOW = '2026-11-01T00:00:00Z';
const NAIVE = naiveDeregisterPolicy();

const estate = withCollectedEstate(join(FIXTURES, 'estates/adversarial.yml'), { now: NOW });

const state = (id: string) => estate.sim.state.images.get(id)?.state ?? 'gone';

test('the circuit breaker trips before any action: exit 2, every match audited, nothing changed', async () => {
  const file = estate.write('breaker.yml', naiveDeregisterPolicy(['max-resources: 2'], 'breaker'));
  assert.equal(await estate.run(file), 2);
  const rows = estate.audit('breaker');
  assert.equal(rows.length, 9);
  assert.ok(rows.every((r) => r.outcome === 'skipped' && /^circuit breaker: 9 of 10/.test(r.reason)));
  for (let i = 1; i <= 8; i++) assert.notEqual(state(`ami-0a00000000000a00${i}`), 'deregistered');
});

test('a naive deregister policy on the adversarial estate harms nothing in use', async () => {
  const file = estate.write('naive.yml', NAIVE);
  await estate.run(file);
  const rows = estate.audit('naive-deregister');
  const byId = new Map(rows.filter((r) => r.action === 'deregister').map((r) => [r.resourceId, r]));
  const expectSkip: [string, RegExp][] = [
    ['ami-0a00000000000a001', /instance i-0a00000000000c001 \(running\) in 200000000003\/us-east-1/],
    ['ami-0a00000000000a002', /launch-template-version lt-0a00000000000d002:1/],
    [
      'ami-0a00000000000a003',
      /launch-configuration legacy-lc.*auto-scaling-group legacy-asg|auto-scaling-group legacy-asg/,
    ],
    ['ami-0a00000000000a006', /account 999999999999 outside the inventory/],
    ['ami-0a00000000000a007', /instance i-0a00000000000c007 \(stopped\)/],
    ['ami-0a00000000000a008', /deregistration protection is enabled-with-cooldown/],
    ['ami-0a00000000000a00b', /ssm-parameter \/images\/current/],
  ];
  for (const [id, why] of expectSkip) {
    assert.equal(byId.get(id)?.outcome, 'skipped', id);
    assert.match(byId.get(id)?.reason ?? '', why, id);
    assert.equal(state(id), 'available', id);
  }
  for (const id of ['ami-0a00000000000a004', 'ami-0a00000000000a005']) {
    assert.equal(byId.get(id)?.outcome, 'done', id);
    assert.notEqual(state(id), 'available', id);
  }
  assert.equal(byId.size, 9);
  assert.equal(state('ami-0a00000000000a009'), 'disabled');
  const shared = rows.find((r) => r.resourceId === 'snap-0a00000000000b001');
  assert.equal(shared?.outcome, 'skipped');
  assert.match(shared?.reason ?? '', /still referenced by ami-0a00000000000a009 \(disabled\)/);
  assert.ok(estate.sim.state.snapshots.has('snap-0a00000000000b001'));
  // Each snapshot of a deregistered image has its own audit row, whatever the simulator answered.
  for (const snap of ['snap-0a00000000000b002', 'snap-0a00000000000b005'])
    assert.ok(
      rows.some((r) => r.resourceId === snap && r.action === 'delete-snapshot'),
      snap,
    );
});

test('re-running after a fresh collection is idempotent: no action is taken twice', async () => {
  await estate.collect();
  const file = estate.write('naive.yml', NAIVE);
  const before = estate.audit('naive-deregister').length;
  await estate.run(file);
  const second = estate.audit('naive-deregister').slice(before);
  assert.equal(second.filter((r) => r.action === 'deregister').length, 7);
  assert.ok(
    second.every((r) => r.outcome === 'skipped'),
    JSON.stringify(second.filter((r) => r.outcome !== 'skipped')),
  );
});

test('unused: a template no ASG uses counts as use, a terminated instance does not (deliberate differences)', async () => {
  const out = join(estate.dir, 'out-unused');
  const example = join(FIXTURES, 'custodian/03-ami-in-use.yml');
  assert.equal(await estate.run(example, '-s', out), 0);
  const ids = (
    JSON.parse(readFileSync(join(out, 'ami-in-use/resources.json'), 'utf8')) as { ImageId: string }[]
  ).map((r) => r.ImageId);
  assert.ok(ids.includes('ami-0a00000000000a002'), 'bare launch template');
  assert.ok(!ids.includes('ami-0a00000000000a005'), 'terminated instance only');
});
