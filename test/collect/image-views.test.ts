// ImageAllowed is judged for the calling account-region: each collected account keeps its own
// view of an image (image_views), on SQLite and PostgreSQL, across partial and failed runs.
import '../../src/aws/sdk-node-warning.ts';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { CollectResult } from '../../src/collect/runner.ts';
import { startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import type { Store } from '../../src/store/db.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import { DEV, MGMT, PROD, collectOnce } from './harness.ts';

announceSkips();

const SEED = fileURLToPath(new URL('../fixtures/seeds/allowed-images.yml', import.meta.url));
const FIREWALL = 'ami-0b200000000000001';
const AL2023 = 'ami-0a200000000000001';
const AL2 = 'ami-0a200000000000002';
const GOLDEN = 'ami-0e200000000000001';

/** A clock that moves one minute per call, so each run has its own time. */
function steppingClock(start: string): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 60_000));
}

const collect = (
  sim: RunningSimulator,
  store: Store,
  clock: () => Date,
  accounts: string[] = [],
): Promise<CollectResult> => collectOnce(sim, store, { clock, accounts, maxAttempts: 1 });

type View = [image: string, account: string, region: string, allowed: number | null, via: string];

async function views(store: Store, account?: string): Promise<View[]> {
  let q = store.db
    .selectFrom('image_views')
    .select(['image_id', 'account_id', 'region', 'image_allowed', 'discovered_via'])
    .where('deleted_at', 'is', null);
  if (account) q = q.where('account_id', '=', account);
  const rows = await q.orderBy('image_id').orderBy('account_id').orderBy('region').execute();
  return rows.map((r) => [
    r.image_id,
    r.account_id,
    r.region,
    r.image_allowed === null ? null : Number(r.image_allowed),
    r.discovered_via,
  ]);
}

/** Every row of one account, history included, to show a run left them alone. */
async function rowsOf(store: Store, account: string): Promise<unknown[]> {
  return store.db
    .selectFrom('image_views')
    .selectAll()
    .where('account_id', '=', account)
    .orderBy('image_id')
    .orderBy('region')
    .execute();
}

/** What each account-region's DescribeImages said, under the seed's settings. */
const SEEDED: View[] = [
  // dev (audit mode): AL2023 passes criterion 0, Amazon Linux 2 fails its name
  [AL2023, DEV, 'us-east-1', 1, 'referenced'],
  [AL2, DEV, 'us-east-1', 0, 'referenced'],
  // the same Marketplace image: rejected by dev's criteria, allowed by prod's (product code)
  [FIREWALL, DEV, 'us-east-1', 0, 'referenced'],
  [FIREWALL, PROD, 'us-east-1', 1, 'referenced'],
  ['ami-0d200000000000001', DEV, 'us-east-1', 1, 'owned'],
  // Allowed AMIs disabled in dev's eu-west-1: no flag at all
  ['ami-0d200000000000101', DEV, 'eu-west-1', null, 'owned'],
  // prod's golden image: three viewers, three answers
  [GOLDEN, MGMT, 'us-east-1', null, 'shared'],
  [GOLDEN, DEV, 'us-east-1', 0, 'shared'],
  [GOLDEN, PROD, 'us-east-1', 1, 'owned'],
  ['ami-0f200000000000001', DEV, 'us-east-1', 1, 'shared'],
];

for (const target of STORE_TARGETS)
  describe(`image_views (${target.name})`, { skip: target.skip }, () => {
    test('each account-region keeps its own ImageAllowed; partial and failed runs leave other scopes alone', async () => {
      const sim = await startSimulator({ seed: SEED });
      const { store, dispose } = await target.fresh();
      try {
        const clock = steppingClock('2026-11-01T00:00:00Z');
        const run1 = await collect(sim, store, clock);
        assert.equal(run1.status, 'ok');
        assert.deepEqual(await views(store), SEEDED);
        // prod's enabled criteria reject AL2023 (380 days old): hidden from prod, so prod has no view
        assert.equal((await views(store)).filter((v) => v[0] === AL2023 && v[1] === PROD).length, 0);
        // The shared image row carries no per-viewer flag, not even inside raw.
        const row = (await store.db
          .selectFrom('images')
          .selectAll()
          .where('image_id', '=', FIREWALL)
          .executeTakeFirstOrThrow()) as Record<string, unknown>;
        assert.ok(!('image_allowed' in row) && 'owner_id' in row, 'images has no image_allowed column');
        const raw = { raw: row.raw as string | null };
        const parsed = JSON.parse(raw.raw ?? '{}') as Record<string, unknown>;
        assert.equal(parsed.ImageId, FIREWALL);
        assert.ok(!('ImageAllowed' in parsed), 'raw holds no ImageAllowed');
        const devAfter1 = await rowsOf(store, DEV);

        // dev now takes only Marketplace images, as enforced criteria: its verdicts change in AWS.
        const dev = sim.state.settingsFor(DEV, 'us-east-1');
        dev.allowedImages = { state: 'enabled', criteria: [{ providers: ['aws-marketplace'] }] };
        sim.state.touch();

        // A run of prod alone touches prod's views only.
        const run2 = await collect(sim, store, clock, [PROD]);
        assert.equal(run2.status, 'ok');
        assert.deepEqual(await rowsOf(store, DEV), devAfter1);
        const prod = (await rowsOf(store, PROD)) as { last_seen: string }[];
        assert.ok(prod.length > 0 && prod.every((r) => r.last_seen === run2.startedAt));

        // dev's scopes fail: its views stay exactly as the first run left them.
        sim.setFaults({ failAccounts: [DEV] });
        const run3 = await collect(sim, store, clock);
        assert.equal(run3.status, 'partial');
        assert.deepEqual(await rowsOf(store, DEV), devAfter1);
        assert.deepEqual(await views(store, MGMT), [[GOLDEN, MGMT, 'us-east-1', null, 'shared']]);

        // dev read again: the firewall is allowed now; what the criteria hide is gone from dev's view.
        sim.setFaults({});
        const run4 = await collect(sim, store, clock);
        assert.equal(run4.status, 'ok');
        assert.deepEqual(await views(store, DEV), [
          [FIREWALL, DEV, 'us-east-1', 1, 'referenced'],
          ['ami-0d200000000000001', DEV, 'us-east-1', 1, 'owned'],
          ['ami-0d200000000000101', DEV, 'eu-west-1', null, 'owned'],
        ]);
        const gone = await store.db
          .selectFrom('image_views')
          .select(['image_id', 'first_seen', 'deleted_at'])
          .where('account_id', '=', DEV)
          .where('deleted_at', 'is not', null)
          .orderBy('image_id')
          .execute();
        assert.deepEqual(
          gone.map((g) => g.image_id),
          [AL2023, AL2, GOLDEN, 'ami-0f200000000000001'],
        );
        assert.ok(gone.every((g) => g.deleted_at === run4.startedAt && g.first_seen === run1.startedAt));
        // prod's own answer on the firewall never moved.
        assert.deepEqual(
          (await views(store, PROD)).find((v) => v[0] === FIREWALL),
          [FIREWALL, PROD, 'us-east-1', 1, 'referenced'],
        );
      } finally {
        await dispose();
        await sim.close();
      }
    });
  });
