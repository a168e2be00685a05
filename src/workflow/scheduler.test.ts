import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addDays } from './clock.ts';
import type { WorkflowSpec } from './config.ts';
import type { Violation } from './model.ts';
import { deadlineAfter, nextDueStep } from './scheduler.ts';
import type { StepStatus } from './scheduler.ts';

const OPENED = '2026-11-01T09:00:00.000Z';
const wf: WorkflowSpec = {
  name: 'default',
  steps: [
    { id: 'remediate', day: 14, do: 'remediate' },
    { id: 'notify-owner', day: 0, do: 'notify' },
    { id: 'escalate', day: 7, do: 'escalate', ticket: true },
  ],
};

function violation(over: Partial<Violation> = {}): Violation {
  return {
    id: 'v-1',
    policy: 'old-images',
    group: 'dev',
    accountId: '111111111111',
    region: 'us-east-1',
    resourceId: 'ami-1',
    owner: 'team-a',
    why: 'older than 30 days',
    action: 'deregister',
    state: 'open',
    stateBeforeWaiver: null,
    cycle: 1,
    openedAt: OPENED,
    updatedAt: OPENED,
    lastSeenAt: OPENED,
    closedAt: null,
    details: {},
    ...over,
  };
}

const at = (days: number) => addDays(OPENED, days);
const st = (o: Record<string, StepStatus>) => new Map(Object.entries(o));

test('steps fire by day offset, in order, one at a time', () => {
  const v = violation();
  assert.equal(nextDueStep(v, wf, at(0), st({}))?.id, 'notify-owner');
  assert.equal(nextDueStep(v, wf, at(6.9), st({ 'notify-owner': 'done' })), undefined);
  assert.equal(nextDueStep(v, wf, at(7), st({ 'notify-owner': 'done' }))?.id, 'escalate');
  // At day 20 with nothing done, the owner still hears first: no skipping ahead.
  assert.equal(nextDueStep(v, wf, at(20), st({}))?.id, 'notify-owner');
  assert.equal(nextDueStep(v, wf, at(14), st({ 'notify-owner': 'done', escalate: 'done' }))?.id, 'remediate');
  assert.equal(
    nextDueStep(v, wf, at(30), st({ 'notify-owner': 'done', escalate: 'done', remediate: 'done' })),
    undefined,
  );
});

test('an unroutable notify does not hold back escalation; a failed remediation is tried again', () => {
  const v = violation();
  assert.equal(nextDueStep(v, wf, at(7), st({ 'notify-owner': 'unroutable' }))?.id, 'escalate');
  assert.equal(
    nextDueStep(v, wf, at(15), st({ 'notify-owner': 'done', escalate: 'done', remediate: 'failed' }))?.id,
    'remediate',
  );
});

test('waived and closed violations run nothing', () => {
  for (const state of ['waived', 'resolved', 'remediated'] as const)
    assert.equal(nextDueStep(violation({ state }), wf, at(30), st({})), undefined, state);
});

test('the deadline is when the next step fires', () => {
  const v = violation();
  const [, notify, escalate] = wf.steps;
  assert.deepEqual(deadlineAfter(v, wf, notify), { deadline: at(7).toISOString(), next: 'escalate' });
  assert.deepEqual(deadlineAfter(v, wf, escalate), {
    deadline: at(14).toISOString(),
    next: 'remediate: deregister',
  });
  assert.deepEqual(deadlineAfter(v, wf, wf.steps[0]), { deadline: null, next: null });
});
