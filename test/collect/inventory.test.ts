// Collects test/collect/fixtures/inventory.yml over HTTP with the real SDK and checks the
// rows against expectations written by hand from that seed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { loadImageResources } from '../../src/store/image-resources.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import type { Store } from '../../src/store/db.ts';
import { DEV, INVENTORY_SEED, MGMT, PROD, collectOnce } from './harness.ts';

announceSkips();

const A = (n: string) => `ami-0b0000000000000a${n}`;
const AMZ1 = 'ami-0a000000000000001';
const COPY = 'ami-0b000000000000101';
const P1 = 'ami-0c0000000000000b1';

// [image_id, region, owner_id, state, discovered_via, describable, owner_facts, deleted]
const EXPECTED_IMAGES = [
  [AMZ1, 'us-east-1', '137112412989', 'available', 'referenced', 1, 'unknown', false],
  [A('1'), 'us-east-1', DEV, 'available', 'owned', 1, 'known', false],
  [A('2'), 'us-east-1', DEV, 'available', 'owned', 1, 'known', false],
  [A('3'), 'us-east-1', DEV, 'available', 'owned', 1, 'known', false],
  [A('4'), 'us-east-1', DEV, 'disabled', 'owned', 1, 'known', false],
  [A('5'), 'us-east-1', DEV, 'deregistered', 'instance-metadata', 0, 'unknown', true],
  [A('6'), 'us-east-1', DEV, 'available', 'owned', 1, 'known', false],
  [A('7'), 'us-east-1', DEV, 'available', 'owned', 1, 'known', false],
  [COPY, 'eu-west-1', DEV, 'available', 'owned', 1, 'known', false],
  [P1, 'us-east-1', PROD, 'available', 'owned', 1, 'known', false],
];

// [image_id, kind, ref_id, account_id, state, in_use, cross_account]
const EXPECTED_USAGE = [
  [null, 'auto-scaling-group', 'dev-dangling-asg', DEV, 'dangling', 1, 0],
  [AMZ1, 'auto-scaling-group', 'dev-mixed-asg', DEV, 'active', 1, 1],
  [A('6'), 'auto-scaling-group', 'dev-mixed-asg', DEV, 'active', 1, 0],
  [A('3'), 'auto-scaling-group', 'dev-web-asg', DEV, 'zero-capacity', 1, 0],
  [P1, 'auto-scaling-group', 'prod-legacy-asg', PROD, 'active', 1, 0],
  [A('1'), 'instance', 'i-0b000000000000001', DEV, 'running', 1, 0],
  [AMZ1, 'instance', 'i-0b000000000000002', DEV, 'stopped', 1, 1],
  [A('3'), 'instance', 'i-0b000000000000003', DEV, 'terminated', 0, 0],
  [A('5'), 'instance', 'i-0b000000000000004', DEV, 'running', 1, 0],
  [A('4'), 'instance', 'i-0b000000000000005', DEV, 'running', 1, 0],
  [A('2'), 'instance', 'i-0c000000000000001', PROD, 'running', 1, 1],
  [A('6'), 'instance', 'i-0c000000000000002', PROD, 'running', 1, 1],
  [P1, 'launch-configuration', 'prod-legacy-lc', PROD, 'exists', 1, 0],
  [A('1'), 'launch-template-version', 'lt-0b000000000000001:1', DEV, 'default', 1, 0],
  [A('3'), 'launch-template-version', 'lt-0b000000000000001:2', DEV, 'referenced', 1, 0],
  [A('7'), 'launch-template-version', 'lt-0b000000000000001:3', DEV, 'unnamed-version', 1, 0],
  [A('4'), 'launch-template-version', 'lt-0b000000000000001:4', DEV, 'referenced', 1, 0],
  [A('2'), 'launch-template-version', 'lt-0b000000000000001:5', DEV, 'latest', 1, 0],
  [A('6'), 'launch-template-version', 'lt-0b000000000000002:1', DEV, 'default', 1, 0],
  [AMZ1, 'launch-template-version', 'lt-0b000000000000003:1', DEV, 'default', 1, 1],
  [A('2'), 'other-account', PROD, PROD, 'shared', 0, 1],
  [A('2'), 'ssm-parameter', '/dev/web/ami', DEV, 'current', 1, 0],
];

// [template, version, image_ref, image_id, ssm_parameter, is_default, is_latest, referenced]
const EXPECTED_VERSIONS = [
  ['lt-0b000000000000001', 1, A('1'), A('1'), null, 1, 0, 0],
  ['lt-0b000000000000001', 2, A('3'), A('3'), null, 0, 0, 1],
  ['lt-0b000000000000001', 3, A('7'), A('7'), null, 0, 0, 0],
  ['lt-0b000000000000001', 4, A('4'), A('4'), null, 0, 0, 1],
  ['lt-0b000000000000001', 5, 'resolve:ssm:/dev/web/ami', A('2'), '/dev/web/ami', 0, 1, 0],
  ['lt-0b000000000000002', 1, A('6'), A('6'), null, 1, 1, 1],
  ['lt-0b000000000000003', 1, AMZ1, AMZ1, null, 1, 1, 1],
];

async function expectSeedRows(store: Store): Promise<void> {
  const db = store.db;
  const images = await db.selectFrom('images').selectAll().orderBy('image_id').execute();
  assert.deepEqual(
    images.map((i) => [
      i.image_id,
      i.region,
      i.owner_id,
      i.state,
      i.discovered_via,
      Number(i.describable),
      i.owner_facts,
      i.deleted_at !== null,
    ]),
    EXPECTED_IMAGES,
  );
  const usage = await db
    .selectFrom('image_usage')
    .selectAll()
    .orderBy('kind')
    .orderBy('ref_id')
    .orderBy('image_id')
    .execute();
  assert.deepEqual(
    usage.map((u) => [
      u.image_id,
      u.kind,
      u.ref_id,
      u.account_id,
      u.state,
      Number(u.in_use),
      Number(u.cross_account),
    ]),
    EXPECTED_USAGE,
  );
  const versions = await db
    .selectFrom('launch_template_versions')
    .selectAll()
    .orderBy('launch_template_id')
    .orderBy('version_number')
    .execute();
  assert.deepEqual(
    versions.map((v) => [
      v.launch_template_id,
      Number(v.version_number),
      v.image_ref,
      v.image_id,
      v.ssm_parameter,
      Number(v.is_default),
      Number(v.is_latest),
      Number(v.referenced),
    ]),
    EXPECTED_VERSIONS,
  );
  const perms = await db.selectFrom('launch_permissions').selectAll().orderBy('image_id').execute();
  assert.deepEqual(
    perms.map((p) => [p.image_id, p.kind, p.value]),
    [
      [A('2'), 'account', PROD],
      [A('3'), 'group', 'all'],
      [A('6'), 'organizational-unit', 'arn:aws:organizations::300000000001:ou/o-invorg00001/ou-inv1-apps'],
      [P1, 'organization', 'arn:aws:organizations::300000000001:organization/o-invorg00001'],
    ],
  );
  const settings = await db
    .selectFrom('account_settings')
    .selectAll()
    .orderBy('account_id')
    .orderBy('region')
    .execute();
  assert.deepEqual(
    settings.map((s) => [s.account_id, s.region, s.image_block_public_access, s.allowed_images_state]),
    [
      [MGMT, 'eu-west-1', 'unblocked', 'disabled'],
      [MGMT, 'us-east-1', 'unblocked', 'disabled'],
      [DEV, 'eu-west-1', 'unblocked', 'disabled'],
      [DEV, 'us-east-1', 'unblocked', 'audit-mode'],
      [PROD, 'eu-west-1', 'unblocked', 'disabled'],
      [PROD, 'us-east-1', 'block-new-sharing', 'disabled'],
    ],
  );
  const accounts = await db
    .selectFrom('accounts')
    .select(['account_id', 'name', 'source'])
    .orderBy('account_id')
    .execute();
  assert.deepEqual(accounts, [
    { account_id: MGMT, name: 'management', source: 'organizations' },
    { account_id: DEV, name: 'dev', source: 'organizations' },
    { account_id: PROD, name: 'prod', source: 'organizations' },
  ]);
  const lcs = await db
    .selectFrom('launch_configurations')
    .select(['account_id', 'name', 'image_id'])
    .execute();
  assert.deepEqual(lcs, [{ account_id: PROD, name: 'prod-legacy-lc', image_id: P1 }]);
  const params = await db
    .selectFrom('ssm_parameters')
    .select(['account_id', 'region', 'name', 'value'])
    .execute();
  assert.deepEqual(params, [{ account_id: DEV, region: 'us-east-1', name: '/dev/web/ami', value: A('2') }]);
}

for (const target of STORE_TARGETS) {
  test(
    `collecting the inventory seed gives exactly the expected rows (${target.name})`,
    { skip: target.skip },
    async () => {
      const sim = await startSimulator({ seed: INVENTORY_SEED });
      const { store, dispose } = await target.fresh();
      try {
        const result = await collectOnce(sim, store);
        assert.equal(result.status, 'ok', JSON.stringify(result.scopes.filter((s) => !s.ok)));
        assert.equal(result.scopes.length, 6);
        await expectSeedRows(store);
      } finally {
        await dispose();
        await sim.close();
      }
    },
  );
}

// The pitfalls of issue 3 item 4, each named, on one shared SQLite collection.
let sim: RunningSimulator;
let shared: Awaited<ReturnType<(typeof STORE_TARGETS)[number]['fresh']>>;
let calls: Record<string, number>;
before(async () => {
  sim = await startSimulator({ seed: INVENTORY_SEED });
  shared = await (STORE_TARGETS[0] as (typeof STORE_TARGETS)[number]).fresh();
  sim.resetCallCounts();
  await collectOnce(sim, shared.store);
  calls = sim.callCounts();
});
after(async () => {
  await shared.dispose();
  await sim.close();
});

const imagesById = async () =>
  new Map((await shared.store.db.selectFrom('images').selectAll().execute()).map((i) => [i.image_id, i]));

test('pitfall: owned deprecated and disabled images are listed (IncludeDeprecated, IncludeDisabled)', async () => {
  const im = await imagesById();
  assert.equal(im.get(A('3'))?.deprecation_time, '2026-10-02T00:00:00.000Z');
  assert.equal(im.get(A('3'))?.deleted_at, null);
  assert.equal(im.get(A('4'))?.state, 'disabled');
  assert.equal(im.get(A('4'))?.deregistration_protection, 'enabled-without-cooldown');
});

test('pitfall: third-party images are looked up by id in batches; public catalogs are never listed', async () => {
  const im = await imagesById();
  assert.ok(im.has(AMZ1), 'the referenced Amazon image is stored');
  assert.equal(im.has('ami-0a000000000000002'), false, 'an unreferenced public image must not be stored');
  // Per scope: one owned listing, one shared listing; plus one by-id batch where a scope references unknown ids.
  assert.ok((calls['ec2:DescribeImages'] ?? 0) <= 6 * 2 + 3, JSON.stringify(calls));
});

test('pitfall: an image behind a running instance that DescribeImages no longer returns is kept as in use, not describable', async () => {
  const [r] = await loadImageResources(shared.store.db, { includeDeleted: true, imageIds: [A('5')] });
  assert.ok(r);
  assert.equal(r.Describable, false);
  assert.equal(r.InUse, true);
  assert.equal(r.DiscoveredVia, 'instance-metadata');
  assert.equal(r.Name, 'dev-gone');
  assert.notEqual(r.DeletedAt, null);
});

test('pitfall: launch templates: every version, default, latest, named or not, with or without an ASG; resolve:ssm: resolved and kept', async () => {
  const v = await shared.store.db.selectFrom('launch_template_versions').selectAll().execute();
  const keys = v.map((x) => `${x.launch_template_id}:${x.version_number}`).sort();
  // version 3 of dev-web is neither default, latest nor named by anything, yet anything that launches
  // the template by number (RunInstances, Spot, Fleet) can use it: collected, and it counts as use.
  assert.deepEqual(keys, [
    'lt-0b000000000000001:1',
    'lt-0b000000000000001:2',
    'lt-0b000000000000001:3',
    'lt-0b000000000000001:4',
    'lt-0b000000000000001:5',
    'lt-0b000000000000002:1',
    'lt-0b000000000000003:1',
  ]);
  const [a7] = await loadImageResources(shared.store.db, { imageIds: [A('7')] });
  assert.equal(a7?.InUse, true);
  assert.equal(
    v.find((x) => x.version_number === 3 && x.launch_template_id === 'lt-0b000000000000001')?.referenced,
    0,
  );
  const [a2] = await loadImageResources(shared.store.db, { imageIds: [A('2')] });
  assert.ok(a2?.Usage.some((u) => u.Kind === 'ssm-parameter' && u.RefId === '/dev/web/ami'));
});

test('pitfall: an ASG pointing at a deleted launch template is a dangling-reference row, never a crash', async () => {
  const refs = await shared.store.db
    .selectFrom('asg_launch_template_refs')
    .selectAll()
    .where('asg_name', '=', 'dev-dangling-asg')
    .execute();
  assert.deepEqual(
    refs.map((r) => [r.launch_template_name, r.version, r.image_id, r.dangling]),
    [['deleted-template', '$Default', null, 1]],
  );
});

test('pitfall: terminated instances are stored but are not use; zero-capacity ASGs are use', async () => {
  const u = await shared.store.db
    .selectFrom('image_usage')
    .selectAll()
    .where('image_id', '=', A('3'))
    .execute();
  const byKind = Object.fromEntries(u.map((x) => [`${x.kind}:${x.state}`, Number(x.in_use)]));
  assert.equal(byKind['instance:terminated'], 0);
  assert.equal(byKind['auto-scaling-group:zero-capacity'], 1);
});

test('pitfall: a snapshot maps to every image that references it, in every image state', async () => {
  const rows = await shared.store.db
    .selectFrom('block_device_mappings as b')
    .innerJoin('images as i', 'i.image_id', 'b.image_id')
    .select(['b.image_id', 'i.state'])
    .where('b.snapshot_id', '=', 'snap-0b000000000000a01')
    .orderBy('b.image_id')
    .execute();
  assert.deepEqual(rows, [
    { image_id: A('1'), state: 'available' },
    { image_id: A('4'), state: 'disabled' },
  ]);
});

test('pitfall: copies across regions keep their lineage (source image and region)', async () => {
  const c = (await imagesById()).get(COPY);
  assert.deepEqual(
    [c?.region, c?.source_image_id, c?.source_image_region],
    ['eu-west-1', A('1'), 'us-east-1'],
  );
});

test('pitfall: owner-only facts are unknown for images we do not own, never private; usage is org-wide', async () => {
  const [amz] = await loadImageResources(shared.store.db, { imageIds: [AMZ1] });
  assert.equal(amz?.LaunchPermissions, 'unknown');
  assert.equal(amz?.LastLaunched, 'unknown');
  const [a2] = await loadImageResources(shared.store.db, { imageIds: [A('2')] });
  assert.deepEqual(a2?.LaunchPermissions, [{ UserId: PROD }]);
  // dev's image runs in prod: that use counts for the owner.
  assert.ok(
    a2?.Usage.some((u) => u.Kind === 'instance' && u.AccountId === PROD && u.InUse && u.CrossAccount),
  );
});
