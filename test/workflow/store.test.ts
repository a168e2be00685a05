// The workflow tables and their queries on both store dialects, plus one full tick on each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announceSkips, STORE_TARGETS } from '../../src/store/testing.ts';
import { ManualClock } from '../../src/workflow/clock.ts';
import { parseWorkflowConfig } from '../../src/workflow/config.ts';
import { tick } from '../../src/workflow/engine.ts';
import { acquireLock, releaseLock } from '../../src/workflow/store/lock.ts';
import { workflowStore } from '../../src/workflow/store/open.ts';
import {
  activeWaiver,
  addWaiver,
  endWaiver,
  transitionsOf,
  upsertFinding,
} from '../../src/workflow/store/violations.ts';
import { finding } from './harness.ts';
import { startHttpReceiver } from './receivers.ts';

announceSkips();

for (const target of STORE_TARGETS) {
  test(`violations, transitions, waivers and the lock on ${target.name}`, { skip: target.skip }, async () => {
    const { store, dispose } = await target.fresh();
    try {
      const db = await workflowStore(store);
      await workflowStore(store); // migrating twice is a no-op
      const first = await upsertFinding(db, finding('ami-1', 'team-a'), '2026-11-01T00:00:00.000Z');
      assert.equal(first.opened, true);
      const again = await upsertFinding(
        db,
        finding('ami-1', 'team-b', { why: 'changed words' }),
        '2026-11-02T00:00:00.000Z',
      );
      assert.equal(again.opened, false);
      assert.equal(again.violation.owner, 'team-b');
      assert.equal(again.violation.openedAt, '2026-11-01T00:00:00.000Z');
      assert.equal(again.violation.lastSeenAt, '2026-11-02T00:00:00.000Z');
      assert.deepEqual(again.violation.details, { imageName: 'ami-1-name' });
      const waived = await addWaiver(db, again.violation, {
        reason: 'accepted',
        who: 'carol',
        createdAt: '2026-11-03T00:00:00.000Z',
        expiresAt: '2026-11-10T00:00:00.000Z',
      });
      assert.equal(waived.state, 'waived');
      assert.equal(waived.stateBeforeWaiver, 'open');
      assert.equal((await activeWaiver(db, waived.id))?.who, 'carol');
      const back = await endWaiver(db, waived, '2026-11-10T00:00:00.000Z', 'expired');
      assert.equal(back.state, 'open');
      assert.equal(await activeWaiver(db, waived.id), undefined);
      assert.deepEqual(
        (await transitionsOf(db, back.id)).map((t) => [t.seq, t.from, t.to, t.actor]),
        [
          [1, null, 'open', 'amiwarden'],
          [2, 'open', 'waived', 'carol'],
          [3, 'waived', 'open', 'amiwarden'],
        ],
      );
      const now = new Date('2026-11-10T00:00:00Z');
      assert.equal(await acquireLock(db, 'a', now, 60_000), true);
      assert.equal(await acquireLock(db, 'b', now, 60_000), false, 'held');
      assert.equal(
        await acquireLock(db, 'b', new Date(now.getTime() + 61_000), 60_000),
        true,
        'a lapsed lease is taken over',
      );
      await releaseLock(db, 'b');
      assert.equal(await acquireLock(db, 'c', now, 60_000), true);
    } finally {
      await dispose();
    }
  });

  test(
    `a tick notifies once and a resolved violation reopens as a new cycle on ${target.name}`,
    { skip: target.skip },
    async () => {
      const { store, dispose } = await target.fresh();
      const slack = await startHttpReceiver();
      try {
        const db = await workflowStore(store);
        const cfg = parseWorkflowConfig({
          routes: { 'team-a': { slack: ['a'] } },
          channels: { slack: { webhooks: { a: { env: 'HOOK' } } } },
          workflows: [{ name: 'w', steps: [{ id: 'notify', day: 0, do: 'notify' }] }],
        });
        const clock = new ManualClock('2026-11-01T00:00:00Z');
        const env = { HOOK: `${slack.url}/h` };
        const obs = (findings: ReturnType<typeof finding>[]) => [
          { policy: 'old-images', group: 'dev', at: clock.now().toISOString(), findings },
        ];
        await tick({ db, cfg, clock, env, observations: obs([finding('ami-1', 'team-a')]) });
        await tick({ db, cfg, clock, env, observations: obs([finding('ami-1', 'team-a')]) });
        assert.equal(slack.accepted.length, 1);
        clock.advanceDays(1);
        const r = await tick({ db, cfg, clock, env, observations: obs([]) });
        assert.equal(r.resolved, 1);
        clock.advanceDays(1);
        const back = await tick({ db, cfg, clock, env, observations: obs([finding('ami-1', 'team-a')]) });
        assert.equal(back.opened, 1);
        assert.equal(slack.accepted.length, 2, 'the new cycle notifies again');
        const rows = await db.selectFrom('violations').select(['state', 'cycle']).execute();
        assert.deepEqual(
          rows.map((x) => [x.state, Number(x.cycle)]),
          [['notified', 2]],
        );
      } finally {
        await slack.close();
        await dispose();
      }
    },
  );
}
