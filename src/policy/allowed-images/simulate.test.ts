import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kysely } from 'kysely';
import { insertImages, insertInstance } from '../../../test/helpers/store-fixtures.ts';
import type { Database } from '../../store/schema.ts';
import { STORE_TARGETS, announceSkips } from '../../store/testing.ts';
import { publicImagesReport } from './public-images.ts';
import { simulateAllowedImages, wouldBreak } from './simulate.ts';

announceSkips();

const T0 = '2026-11-01T00:00:00.000Z';
const NOW = new Date(T0);
const A = '111111111111';
const B = '222222222222';
const history = { first_seen: T0, last_seen: T0, deleted_at: null };

async function settings(
  db: Kysely<Database>,
  account: string,
  state: string,
  criteria: string,
  bpa = 'unblocked',
) {
  await db
    .insertInto('account_settings')
    .values({
      ...history,
      account_id: account,
      region: 'us-east-1',
      image_block_public_access: bpa,
      image_block_public_access_managed_by: 'account',
      allowed_images_state: state,
      allowed_images_criteria: criteria,
    })
    .execute();
}

/**
 * A runs B's image, an image known only from instance metadata, and an image the store has
 * never seen; B's criteria are not JSON the schema accepts.
 */
async function fill(db: Kysely<Database>): Promise<void> {
  await settings(db, A, 'audit-mode', JSON.stringify([{ ImageNames: ['b-*'] }]));
  await settings(db, B, 'disabled', '[{"Bogus":true}]', 'block-new-sharing');
  await insertImages(db, [
    { id: 'ami-b1', account: B, name: 'b-base', created: '2026-10-01T00:00:00.000Z', public: true },
    { id: 'ami-b2', account: B, name: 'other', created: '2026-10-01T00:00:00.000Z' },
  ]);
  await db
    .updateTable('images')
    .set({ describable: 0, name: null, owner_facts: 'unknown', discovered_via: 'instance-metadata' })
    .where('image_id', '=', 'ami-b2')
    .execute();
  for (const [id, image] of [
    ['i-1', 'ami-b1'],
    ['i-2', 'ami-b2'],
    ['i-3', 'ami-gone'],
  ] as const)
    await insertInstance(db, { id, account: A, image, state: 'running' });
  await insertInstance(db, { id: 'i-4', account: B, image: 'ami-b1', state: 'running' });
}

for (const target of STORE_TARGETS)
  describe(`allowed-images over the store (${target.name})`, { skip: target.skip }, () => {
    test('facts missing from the store make a block uncertain; unreadable criteria are not judged', async () => {
      const { store, dispose } = await target.fresh();
      try {
        await fill(store.db);
        const sim = await simulateAllowedImages(store.db, { covers: () => true, now: NOW });
        const [a, b] = sim.scopes;
        assert.equal(a?.accountId, A);
        assert.equal(a.imagesInUse, 3);
        assert.deepEqual(
          a.blocked.map((x) => [x.imageId, x.uncertain, x.failures[0]?.fields[0]?.reason]),
          [
            ['ami-b2', true, 'name unknown'],
            ['ami-gone', true, 'name unknown'],
          ],
          'ami-b1 matches b-*; the other two cannot be shown to',
        );
        assert.equal(b?.accountId, B);
        assert.equal(b.criteriaCount, null);
        assert.deepEqual(b.blocked, []);
        assert.equal(sim.summary.scopesUnreadable, 1);
        assert.equal(sim.summary.imagesUncertain, 2);
        assert.equal(wouldBreak(sim), true);

        // proposed criteria replace both scopes' own: B's image in B is its own, allowed
        const only = await simulateAllowedImages(store.db, {
          covers: (acct) => acct === B,
          now: NOW,
          criteria: [{ ImageProviders: ['amazon'] }],
        });
        assert.deepEqual(
          only.scopes.map((s) => [s.accountId, s.criteriaCount, s.imagesInUse, s.blocked.length]),
          [[B, 1, 1, 0]],
        );
        assert.equal(wouldBreak(only), false);

        const pub = await publicImagesReport(store.db, () => true);
        assert.deepEqual(
          pub.scopes.map((s) => [s.accountId, s.verdict, s.images.map((i) => i.imageId)]),
          [
            [A, 'bpa-off', []],
            [B, 'predates-bpa', ['ami-b1']],
          ],
        );
      } finally {
        await dispose();
      }
    });

    test("AWS's reported ImageAllowed: only from live audit-mode views; a rejection alone makes it break", async () => {
      const { store, dispose } = await target.fresh();
      try {
        const db = store.db;
        await settings(db, A, 'audit-mode', JSON.stringify([{ ImageNames: ['b-*'] }]));
        await settings(db, B, 'enabled', JSON.stringify([{ ImageNames: ['zzz-*'] }]));
        await insertImages(db, [
          { id: 'ami-b1', account: B, name: 'b-base', created: '2026-10-01T00:00:00.000Z' },
          { id: 'ami-b3', account: B, name: 'b-other', created: '2026-10-01T00:00:00.000Z' },
        ]);
        await insertInstance(db, { id: 'i-1', account: A, image: 'ami-b1', state: 'running' });
        await insertInstance(db, { id: 'i-3', account: A, image: 'ami-b3', state: 'running' });
        const view = (image: string, account: string, allowed: 0 | 1, deleted = false) => ({
          ...history,
          deleted_at: deleted ? T0 : null,
          image_id: image,
          account_id: account,
          region: 'us-east-1',
          image_allowed: allowed,
          discovered_via: 'shared',
        });
        // The evaluator allows both images in A; AWS rejected ami-b1 there, and once ami-b3,
        // but that view is deleted (A no longer describes it): only ami-b1 counts.
        await db
          .insertInto('image_views')
          .values([view('ami-b1', A, 0), view('ami-b3', A, 0, true), view('ami-b1', B, 0)])
          .execute();
        // In B (enabled) AWS hides what it rejects: a flag there is not an audit verdict, never compared.
        await insertInstance(db, { id: 'i-4', account: B, image: 'ami-b1', state: 'running' });
        const sim = await simulateAllowedImages(db, { covers: () => true, now: NOW });
        assert.deepEqual(
          sim.scopes.map((s) => s.accountId),
          [A, B],
        );
        assert.deepEqual(sim.scopes[1]?.blocked, []);
        const blocked = sim.scopes[0]?.blocked ?? [];
        assert.deepEqual(
          blocked.map((b) => [b.imageId, b.evaluator, b.aws, b.disagrees, b.failures.length]),
          [['ami-b1', 'allowed', { imageAllowed: false, reportedAt: T0 }, true, 0]],
        );
        assert.equal(sim.summary.disagreements, 1);
        assert.equal(wouldBreak(sim), true, 'exit 4: AWS says the image would be blocked');

        // Once AWS allows it, nothing breaks.
        await db.updateTable('image_views').set({ image_allowed: 1 }).where('account_id', '=', A).execute();
        const ok = await simulateAllowedImages(db, { covers: (acct) => acct === A, now: NOW });
        assert.deepEqual(ok.scopes[0]?.blocked, []);
        assert.equal(wouldBreak(ok), false);
      } finally {
        await dispose();
      }
    });
  });
