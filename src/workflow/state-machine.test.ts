import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAmwError } from '../errors.ts';
import { VIOLATION_STATES } from './model.ts';
import { advance, assertTransition, canTransition } from './state-machine.ts';

test('the lifecycle moves forward and ends in remediated or resolved', () => {
  assert.ok(canTransition('open', 'notified'));
  assert.ok(canTransition('notified', 'escalated'));
  assert.ok(canTransition('escalated', 'remediated'));
  assert.ok(canTransition('escalated', 'resolved'));
  assert.ok(!canTransition('escalated', 'notified'), 'never backwards');
  assert.ok(!canTransition('notified', 'open'));
  for (const to of VIOLATION_STATES)
    assert.ok(!canTransition('remediated', to), `remediated is final (${to})`);
});

test('a waiver interrupts any live state and returns to it; resolved reopens only as open', () => {
  for (const from of ['open', 'notified', 'escalated'] as const) {
    assert.ok(canTransition(from, 'waived'));
    assert.ok(canTransition('waived', from));
  }
  assert.ok(canTransition('waived', 'resolved'));
  assert.ok(!canTransition('waived', 'remediated'), 'a waived image is never remediated');
  assert.deepEqual(
    VIOLATION_STATES.filter((to) => canTransition('resolved', to)),
    ['open'],
  );
});

test('assertTransition names the violation and both states', () => {
  assert.throws(
    () => assertTransition('v-1', 'resolved', 'escalated'),
    (e: unknown) => isAmwError(e) && /v-1: cannot move from resolved to escalated/.test(e.message),
  );
});

test('advance never lowers a state', () => {
  assert.equal(advance('open', 'notified'), 'notified');
  assert.equal(advance('open', 'escalated'), 'escalated');
  assert.equal(advance('escalated', 'notified'), 'escalated');
  assert.equal(advance('waived', 'escalated'), 'waived');
});
