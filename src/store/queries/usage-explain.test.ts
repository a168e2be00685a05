import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { UsageReference } from './image-usage.ts';
import type { UsageEvidence } from './usage-evidence.ts';
import { isStale, sortReferences } from './usage-explain.ts';

const AS_OF = new Date('2026-11-01T00:00:00.000Z');
const OPTS = { asOf: AS_OF, staleDays: 180 };
const daysAgo = (n: number) => new Date(AS_OF.getTime() - n * 86_400_000).toISOString();

function ref(kind: string, ref_id: string, sinceDays: number | null, over: Partial<UsageReference> = {}) {
  return {
    image_id: 'ami-00000001',
    kind,
    ref_id,
    account_id: '111111111111',
    region: 'us-east-1',
    state: 'default',
    in_use: true,
    cross_account: false,
    since: sinceDays === null ? null : daysAgo(sinceDays),
    age_days: sinceDays,
    ...over,
  };
}

function evidence(over: Partial<UsageEvidence> = {}): UsageEvidence {
  return {
    asgs: new Map(),
    lastLaunchFromVersion: new Map(),
    ssmReaders: new Map(),
    templates: new Map(),
    ...over,
  };
}

const asg = (desired: number, lc: string | null, lt?: [string, number]) => ({
  account_id: '111111111111',
  region: 'us-east-1',
  name: 'g',
  desired_capacity: desired,
  launch_configuration_name: lc,
  templates: lt ? [{ launch_template_id: lt[0], version: '$Default', resolved_version: lt[1] }] : [],
});

test('stale: an old template version nothing launched from, unless a launch or a group with capacity shows use', () => {
  const v = ref('launch-template-version', 'lt-01:1', 400);
  assert.equal(isStale(v, evidence(), OPTS), true);
  assert.equal(isStale(ref('launch-template-version', 'lt-01:1', 100), evidence(), OPTS), false);
  assert.equal(isStale(ref('launch-template-version', 'lt-01:1', null), evidence(), OPTS), false);
  const launched = (days: number) =>
    evidence({ lastLaunchFromVersion: new Map([['lt-01:1', daysAgo(days)]]) });
  assert.equal(isStale(v, launched(10), OPTS), false);
  assert.equal(isStale(v, launched(200), OPTS), true);
  const groups = (desired: number) =>
    evidence({ asgs: new Map([['111111111111/us-east-1/g', asg(desired, null, ['lt-01', 1])]]) });
  assert.equal(isStale(v, groups(2), OPTS), false);
  // A group at zero capacity launches nothing: the version stays stale.
  assert.equal(isStale(v, groups(0), OPTS), true);
  assert.equal(isStale(v, evidence(), { ...OPTS, staleDays: 500 }), false);
});

test('stale: launch configurations by their groups; instances, groups, parameters and non-use never', () => {
  const lc = ref('launch-configuration', 'old-lc', 300, { state: 'exists' });
  assert.equal(isStale(lc, evidence(), OPTS), true);
  const used = evidence({ asgs: new Map([['111111111111/us-east-1/g', asg(1, 'old-lc')]]) });
  assert.equal(isStale(lc, used, OPTS), false);
  for (const kind of ['instance', 'auto-scaling-group', 'ssm-parameter'])
    assert.equal(isStale(ref(kind, 'x', 900), evidence(), OPTS), false, kind);
  assert.equal(isStale({ ...lc, in_use: false }, evidence(), OPTS), false);
});

test('references sort in-use first, then by kind, account, region and id', () => {
  const sorted = sortReferences([
    ref('other-account', '222222222222', 1, { in_use: false }),
    ref('launch-template-version', 'lt-02:1', 1),
    ref('instance', 'i-2', 1, { in_use: false, state: 'terminated' }),
    ref('instance', 'i-1', 1, { account_id: '222222222222' }),
    ref('instance', 'i-3', 1),
  ]);
  assert.deepEqual(
    sorted.map((r) => r.ref_id),
    ['i-3', 'i-1', 'lt-02:1', 'i-2', '222222222222'],
  );
});
