import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowConfig } from './config.ts';
import { ownerFromTags, routeOwner } from './routing.ts';

const base: WorkflowConfig = {
  routes: {
    'team-a': { email: ['a@example.com'], slack: ['team-a'] },
    Payments: { email: ['pay@example.com'] },
  },
  workflows: [{ name: 'w', steps: [{ id: 'n', day: 0, do: 'notify' }] }],
};

test('the owner comes from the first owner tag with a value, any case', () => {
  assert.equal(ownerFromTags({ Owner: 'team-a', team: 'x' }), 'team-a');
  assert.equal(ownerFromTags({ owner: ' ', Team: 'payments' }), 'payments');
  assert.equal(ownerFromTags({ Name: 'web' }), null);
  assert.equal(ownerFromTags({ CostCenter: 'cc-1' }, ['costcenter']), 'cc-1');
});

test('routes match exactly, then ignoring case', () => {
  assert.deepEqual(routeOwner(base, 'team-a'), {
    via: 'route',
    targets: [
      { channel: 'email', to: 'a@example.com' },
      { channel: 'slack', to: 'team-a' },
    ],
  });
  assert.deepEqual(routeOwner(base, 'payments').targets, [{ channel: 'email', to: 'pay@example.com' }]);
});

test('unknown or missing owners go to the fallback, or nowhere when there is none', () => {
  const withFallback: WorkflowConfig = { ...base, fallback: { email: ['cloud@example.com'] } };
  assert.deepEqual(routeOwner(withFallback, 'nobody'), {
    via: 'fallback',
    targets: [{ channel: 'email', to: 'cloud@example.com' }],
  });
  assert.equal(routeOwner(withFallback, null).via, 'fallback');
  assert.deepEqual(routeOwner(base, 'nobody'), { via: 'none', targets: [] });
});
