// `workflow tick` end to end over a real SQLite store and real receivers, with an injected clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Violation } from '../../src/workflow/model.ts';
import { unroutable } from '../../src/workflow/reports.ts';
import { acquireLock } from '../../src/workflow/store/lock.ts';
import {
  addWaiver,
  listViolations,
  requireViolation,
  transitionsOf,
  violationId,
} from '../../src/workflow/store/violations.ts';
import { finding, observed, SECRETS, world } from './harness.ts';

const idOf = (image: string) => violationId('old-images', '111111111111', 'eu-west-1', image);

test('five consecutive ticks per stage send exactly one message per step, then remediate once', async (t) => {
  const w = await world();
  t.after(() => w.close());
  const remediated: Violation[] = [];
  const remediate = async (v: Violation) => {
    remediated.push(v);
    return { outcome: 'done' as const, reason: 'deregistered ami-1' };
  };
  const seen = () => observed(w.clock.now(), [finding('ami-1', 'team-a')]);
  for (let i = 0; i < 5; i++) {
    await w.tick({ observations: seen(), remediate });
    w.clock.advanceDays(0.01);
  }
  assert.equal(w.teamA.accepted.length, 1, 'one Slack message to the owner');
  assert.equal(
    w.smtp.mails.filter((m) => m.to.includes('team-a@example.com')).length,
    1,
    'one e-mail to the owner',
  );
  assert.equal(w.security.accepted.length, 0);
  assert.equal((await requireViolation(w.db, idOf('ami-1'))).state, 'notified');

  w.clock.set('2026-11-09T09:00:00.000Z');
  for (let i = 0; i < 5; i++) {
    await w.tick({ observations: seen(), remediate });
    w.clock.advanceDays(0.01);
  }
  assert.equal(w.teamA.accepted.length, 1);
  assert.equal(w.security.accepted.length, 1, 'one escalation');
  assert.equal(w.jira.issues.length, 1, 'one ticket');
  assert.equal(w.jira.issues[0]!.comments.length, 1, 'one escalation comment');
  assert.equal((await requireViolation(w.db, idOf('ami-1'))).state, 'escalated');
  const esc = JSON.parse(w.security.accepted[0]!.body) as { text: string; blocks: unknown[] };
  assert.match(esc.text, /escalated: ami-1 \(old-images\)/);
  assert.match(JSON.stringify(esc.blocks), /Deadline:\* 2026-11-16 \(remediate: deregister\)/);

  w.clock.set('2026-11-16T09:00:00.000Z');
  for (let i = 0; i < 5; i++) {
    await w.tick({ observations: i === 0 ? seen() : [], remediate });
    w.clock.advanceDays(0.01);
  }
  assert.equal(remediated.length, 1, 'the action ran once');
  const v = await requireViolation(w.db, idOf('ami-1'));
  assert.equal(v.state, 'remediated');
  assert.equal(w.jira.issues[0]!.status, 'Done', 'the ticket closes with the remediation');
  assert.equal(w.teamA.accepted.length + w.security.accepted.length, 2, 'nothing else was sent');
  const moves = await transitionsOf(w.db, v.id);
  assert.deepEqual(
    moves.map((t) => [t.from, t.to, t.at.slice(0, 10)]),
    [
      [null, 'open', '2026-11-02'],
      ['open', 'notified', '2026-11-02'],
      ['notified', 'escalated', '2026-11-09'],
      ['escalated', 'remediated', '2026-11-16'],
    ],
  );
});

test('a digest: one message per owner per tick, whatever the number of violations', async (t) => {
  const w = await world();
  t.after(() => w.close());
  await w.tick({
    observations: observed(w.clock.now(), [
      finding('ami-a1', 'team-a'),
      finding('ami-a2', 'team-a'),
      finding('ami-a3', 'Team-A'),
      finding('ami-x', 'team-x'),
      finding('ami-none', null),
    ]),
  });
  assert.equal(w.teamA.accepted.length, 1);
  const body = JSON.stringify(JSON.parse(w.teamA.accepted[0]!.body));
  for (const id of ['ami-a1', 'ami-a2', 'ami-a3']) assert.ok(body.includes(id), id);
  assert.ok(!body.includes('ami-x'));
  const fallback = w.smtp.mails.filter((m) => m.to.includes('cloud-owners@example.com'));
  assert.equal(fallback.length, 1, 'owners without a route share one fallback message');
  assert.match(fallback[0]!.raw, /ami-x/);
  assert.match(fallback[0]!.raw, /ami-none/);
  assert.equal((await listViolations(w.db, { states: ['notified'] })).length, 5);
});

test('a waiver stops escalation and, once expired, lets it continue', async (t) => {
  const w = await world();
  t.after(() => w.close());
  const seen = () => observed(w.clock.now(), [finding('ami-1', 'team-a')]);
  await w.tick({ observations: seen() });
  w.clock.set('2026-11-05T09:00:00.000Z');
  const v = await requireViolation(w.db, idOf('ami-1'));
  await addWaiver(w.db, v, {
    reason: 'rebuild scheduled',
    who: 'alice',
    createdAt: w.clock.now().toISOString(),
    expiresAt: '2026-11-12T00:00:00.000Z',
  });
  for (const day of ['2026-11-09', '2026-11-10', '2026-11-11']) {
    w.clock.set(`${day}T09:00:00.000Z`);
    await w.tick({ observations: seen() });
  }
  assert.equal(w.security.accepted.length, 0, 'no escalation while waived');
  assert.equal(w.jira.issues.length, 0);
  assert.equal((await requireViolation(w.db, v.id)).state, 'waived');
  w.clock.set('2026-11-12T09:00:00.000Z');
  await w.tick({ observations: seen() });
  assert.equal(w.security.accepted.length, 1, 'escalates once the waiver expired');
  const moves = (await transitionsOf(w.db, v.id)).map((t) => `${t.from}->${t.to}`);
  assert.deepEqual(moves, [
    'null->open',
    'open->notified',
    'notified->waived',
    'waived->notified',
    'notified->escalated',
  ]);
  const waived = (await transitionsOf(w.db, v.id))[2]!;
  assert.equal(waived.actor, 'alice');
  assert.match(waived.reason, /rebuild scheduled/);
});

test('a receiver that fails three times and recovers gets exactly one message, within a tick or across ticks', async (t) => {
  const w = await world({ attempts: 2 });
  t.after(() => w.close());
  w.teamA.failNext(3);
  await w.tick({ observations: observed(w.clock.now(), [finding('ami-1', 'team-a')]) });
  assert.equal(w.teamA.requests.length, 2);
  assert.equal(w.teamA.accepted.length, 0);
  assert.equal(
    (await requireViolation(w.db, idOf('ami-1'))).state,
    'open',
    'a failed delivery never marks the step done',
  );
  assert.equal(w.smtp.mails.length, 1, 'the e-mail part went through');
  await w.tick();
  assert.equal(w.teamA.requests.length, 2, 'still backing off: nothing sent');
  w.clock.advanceDays(0.01);
  await w.tick();
  assert.equal(w.teamA.accepted.length, 1);
  assert.equal(w.teamA.requests.length, 4);
  assert.equal(w.smtp.mails.length, 1, 'the part already delivered is not sent again');
  assert.equal((await requireViolation(w.db, idOf('ami-1'))).state, 'notified');
  await w.tick();
  assert.equal(w.teamA.accepted.length, 1);
  const w2 = await world({ attempts: 5 });
  t.after(() => w2.close());
  w2.teamA.failNext(3);
  await w2.tick({ observations: observed(w2.clock.now(), [finding('ami-1', 'team-a')]) });
  assert.equal(w2.teamA.requests.length, 4);
  assert.equal(w2.teamA.accepted.length, 1);
  assert.equal((await requireViolation(w2.db, idOf('ami-1'))).state, 'notified');
});

test('a violation whose image is fixed resolves, closes its ticket and tells the owner', async (t) => {
  const w = await world();
  t.after(() => w.close());
  await w.tick({
    observations: observed(w.clock.now(), [finding('ami-1', 'team-a'), finding('ami-2', 'team-a')]),
  });
  w.clock.set('2026-11-09T10:00:00.000Z');
  await w.tick({
    observations: observed(w.clock.now(), [finding('ami-1', 'team-a'), finding('ami-2', 'team-a')]),
  });
  assert.equal(w.jira.issues.length, 2);
  w.clock.set('2026-11-10T10:00:00.000Z');
  const res = await w.tick({ observations: observed(w.clock.now(), [finding('ami-2', 'team-a')]) });
  assert.equal(res.resolved, 1);
  const v1 = await requireViolation(w.db, idOf('ami-1'));
  assert.equal(v1.state, 'resolved');
  assert.equal(v1.closedAt, '2026-11-10T10:00:00.000Z');
  const issue = w.jira.issues.find((i) => i.fields.labels.includes(`amiwarden-${v1.id}-c1`))!;
  assert.equal(issue.status, 'Done');
  assert.match(JSON.stringify(issue.comments.at(-1)), /Resolved: ami-1 no longer violates old-images/);
  assert.equal(w.jira.issues.find((i) => i !== issue)!.status, 'To Do', 'the other ticket stays open');
  const last = JSON.parse(w.teamA.accepted.at(-1)!.body) as { text: string };
  assert.match(last.text, /resolved ami-1/);
  const before = w.teamA.accepted.length;
  await w.tick({ observations: observed(w.clock.now(), [finding('ami-2', 'team-a')]) });
  assert.equal(w.teamA.accepted.length, before, 'the resolution notice is sent once');
});

test('a violation that reaches nobody shows in the unroutable report and is never dropped', async (t) => {
  const w = await world({ fallback: false });
  t.after(() => w.close());
  await w.tick({
    observations: observed(w.clock.now(), [
      finding('ami-orphan', 'team-unknown'),
      finding('ami-1', 'team-a'),
    ]),
  });
  const report = await unroutable(w.db);
  assert.deepEqual(
    report.map((r) => [r.violation.resourceId, r.stepId]),
    [['ami-orphan', 'notify-owner']],
  );
  assert.match(report[0]!.detail ?? '', /team-unknown has no route/);
  assert.equal(w.smtp.mails.filter((m) => !m.to.includes('team-a@example.com')).length, 0);
  w.clock.set('2026-11-09T10:00:00.000Z');
  await w.tick({
    observations: observed(w.clock.now(), [
      finding('ami-orphan', 'team-unknown'),
      finding('ami-1', 'team-a'),
    ]),
  });
  assert.equal(
    (await requireViolation(w.db, idOf('ami-orphan'))).state,
    'escalated',
    'security still hears about it',
  );
  assert.equal((await unroutable(w.db)).length, 1);
});

test('secrets never reach the store; a second tick holding no lock does nothing', async (t) => {
  const w = await world();
  t.after(() => w.close());
  w.security.failNext(1, 404);
  await w.tick({ observations: observed(w.clock.now(), [finding('ami-1', 'team-a')]) });
  w.clock.set('2026-11-09T10:00:00.000Z');
  await w.tick({ observations: observed(w.clock.now(), [finding('ami-1', 'team-a')]) });
  const dump: string[] = [];
  for (const t of [
    'violations',
    'violation_transitions',
    'workflow_steps',
    'workflow_step_targets',
    'workflow_deliveries',
    'workflow_tickets',
  ] as const)
    dump.push(JSON.stringify(await w.db.selectFrom(t).selectAll().execute()));
  const all = dump.join('\n');
  assert.match(all, /slack security: HTTP 404/, 'the failure is kept');
  for (const s of Object.values(SECRETS)) assert.ok(!all.includes(s), `secret ${s.slice(0, 6)}… absent`);
  assert.ok(await acquireLock(w.db, 'someone-else', w.clock.now(), 60_000));
  const r = await w.tick();
  assert.equal(r.skipped, 'another tick holds the lock');
});

test('a missing secret fails that delivery, keeps the step pending and names the variable', async (t) => {
  const w = await world();
  t.after(() => w.close());
  const env = { ...w.env, SLACK_TEAM_A: undefined, JIRA_TOKEN: undefined };
  const r = await w.tick({ env, observations: observed(w.clock.now(), [finding('ami-1', 'team-a')]) });
  assert.equal(r.failed, 1);
  assert.equal(w.smtp.mails.length, 1, 'the e-mail recipient still gets it');
  assert.equal((await requireViolation(w.db, idOf('ami-1'))).state, 'open');
  w.clock.set('2026-11-09T10:00:00.000Z');
  await w.tick({ env: { ...w.env, JIRA_TOKEN: undefined } });
  assert.equal(w.teamA.accepted.length, 1, 'delivered once the secret is back');
  await w.tick({ env: { ...w.env, JIRA_TOKEN: undefined } });
  assert.equal(w.security.accepted.length, 1);
  assert.equal(w.jira.issues.length, 0);
  const errors = await w.db
    .selectFrom('workflow_step_targets')
    .select(['target', 'last_error', 'delivered_at'])
    .where('target', '=', 'jira')
    .execute();
  assert.deepEqual(errors, [
    {
      target: 'jira',
      last_error: 'jira token: environment variable JIRA_TOKEN is not set',
      delivered_at: null,
    },
  ]);
  assert.equal((await requireViolation(w.db, idOf('ami-1'))).state, 'notified', 'no ticket, no escalation');
});
