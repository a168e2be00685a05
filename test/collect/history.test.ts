// History across runs: deregistered images are kept as deleted, failed scopes delete nothing.
import '../../src/aws/sdk-node-warning.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeregisterImageCommand, EC2Client } from '@aws-sdk/client-ec2';
import { accountCredentials, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { scopesOfRun } from '../../src/store/queries/runs.ts';
import { STORE_TARGETS } from '../../src/store/testing.ts';
import { DEV, INVENTORY_SEED, collectOnce } from './harness.ts';

const UNUSED = 'ami-0b0000000000000a7';
const COPY = 'ami-0b000000000000101';

async function deregister(sim: RunningSimulator, region: string, imageId: string): Promise<void> {
  const ec2 = new EC2Client({ ...sim.clientConfig(region, accountCredentials(DEV)), maxAttempts: 1 });
  try {
    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
  } finally {
    ec2.destroy();
  }
}

/** A clock that moves one minute per call, so each run has its own time. */
function steppingClock(start: string): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 60_000));
}

const sqlite = STORE_TARGETS[0] as (typeof STORE_TARGETS)[number];

test('a deregistered image shows as deleted on the next run, with its first_seen and mappings kept', async () => {
  const sim = await startSimulator({ seed: INVENTORY_SEED });
  const { store, dispose } = await sqlite.fresh();
  try {
    const clock = steppingClock('2026-11-01T00:00:00Z');
    const run1 = await collectOnce(sim, store, { clock });
    const before = await store.db
      .selectFrom('images')
      .selectAll()
      .where('image_id', '=', UNUSED)
      .executeTakeFirstOrThrow();
    assert.equal(before.deleted_at, null);
    await deregister(sim, 'us-east-1', UNUSED);
    const run2 = await collectOnce(sim, store, { clock });
    assert.equal(run2.status, 'ok');
    const after = await store.db
      .selectFrom('images')
      .selectAll()
      .where('image_id', '=', UNUSED)
      .executeTakeFirstOrThrow();
    assert.equal(after.first_seen, run1.startedAt);
    assert.equal(after.last_seen, run1.startedAt);
    assert.equal(after.deleted_at, run2.startedAt);
    assert.equal(after.describable, 0);
    assert.equal(after.name, 'dev-unused');
    const bdm = await store.db
      .selectFrom('block_device_mappings')
      .selectAll()
      .where('image_id', '=', UNUSED)
      .execute();
    assert.equal(bdm.length, 1, 'the snapshot mapping of a deregistered image stays');
    // Everything else is still live.
    const live = await store.db
      .selectFrom('images')
      .select('image_id')
      .where('deleted_at', 'is', null)
      .execute();
    assert.equal(live.length, 8);
  } finally {
    await dispose();
    await sim.close();
  }
});

test('a failing region is reported and keeps its earlier rows; the next good run catches up', async () => {
  const sim = await startSimulator({ seed: INVENTORY_SEED });
  const { store, dispose } = await sqlite.fresh();
  try {
    const clock = steppingClock('2026-11-01T00:00:00Z');
    const run1 = await collectOnce(sim, store, { clock });
    assert.equal(run1.status, 'ok');
    await deregister(sim, 'eu-west-1', COPY);
    sim.setFaults({ failRegions: ['eu-west-1'] });
    const run2 = await collectOnce(sim, store, {
      clock,
      regions: ['eu-west-1', 'us-east-1'],
      maxAttempts: 2,
    });
    assert.equal(run2.status, 'partial');
    const scopes = await scopesOfRun(store.db, run2.runId);
    assert.deepEqual(
      scopes.map((s) => [s.account_id, s.region, s.status]),
      [
        ['300000000001', 'eu-west-1', 'failed'],
        ['300000000001', 'us-east-1', 'ok'],
        ['300000000002', 'eu-west-1', 'failed'],
        ['300000000002', 'us-east-1', 'ok'],
        ['300000000003', 'eu-west-1', 'failed'],
        ['300000000003', 'us-east-1', 'ok'],
      ],
    );
    assert.ok(
      scopes.every((s) => s.status === 'ok' || (s.error_code === 'AMW_AWS_CALL_FAILED' && s.error_message)),
    );
    const run = await store.db
      .selectFrom('collection_runs')
      .selectAll()
      .where('run_id', '=', run2.runId)
      .executeTakeFirstOrThrow();
    assert.deepEqual([run.status, run.scopes_ok, run.scopes_failed], ['partial', 3, 3]);
    // The copy was deregistered, but its region failed: nothing may be marked deleted there.
    let copy = await store.db
      .selectFrom('images')
      .selectAll()
      .where('image_id', '=', COPY)
      .executeTakeFirstOrThrow();
    assert.deepEqual([copy.deleted_at, copy.last_seen], [null, run1.startedAt]);
    const settings = await store.db
      .selectFrom('account_settings')
      .selectAll()
      .where('region', '=', 'eu-west-1')
      .execute();
    assert.equal(settings.length, 3);
    assert.ok(settings.every((s) => s.deleted_at === null && s.last_seen === run1.startedAt));
    sim.setFaults({});
    const run3 = await collectOnce(sim, store, { clock });
    assert.equal(run3.status, 'ok');
    copy = await store.db
      .selectFrom('images')
      .selectAll()
      .where('image_id', '=', COPY)
      .executeTakeFirstOrThrow();
    assert.equal(copy.deleted_at, run3.startedAt);
  } finally {
    await dispose();
    await sim.close();
  }
});
