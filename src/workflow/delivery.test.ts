import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmwError } from '../errors.ts';
import { ManualClock } from './clock.ts';
import { DeliveryError } from './channels/http.ts';
import { backoffMs, withRetry } from './delivery.ts';

const policy = { attempts: 5, baseMs: 100, maxMs: 1000 };

test('backoff doubles up to the cap', () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => backoffMs(policy, n)),
    [100, 200, 400, 800, 1000, 1000],
  );
});

test('retries transient failures with backoff until one succeeds', async () => {
  const clock = new ManualClock('2026-11-01T00:00:00Z');
  let calls = 0;
  const r = await withRetry(policy, clock, async () => {
    if (++calls <= 3) throw new DeliveryError('down', true, 503);
  });
  assert.deepEqual(r, { ok: true, attempts: 4 });
  assert.deepEqual(clock.sleeps, [100, 200, 400]);
});

test('stops at once on a permanent failure or a configuration error, and after the last attempt', async () => {
  const clock = new ManualClock('2026-11-01T00:00:00Z');
  assert.deepEqual(
    await withRetry(policy, clock, async () => {
      throw new DeliveryError('HTTP 404', false, 404);
    }),
    { ok: false, attempts: 1, error: 'HTTP 404' },
  );
  assert.equal(
    (
      await withRetry(policy, clock, async () => {
        throw new AmwError('AMW_WORKFLOW_SECRET', 'SLACK_URL is not set');
      })
    ).attempts,
    1,
  );
  const r = await withRetry({ ...policy, attempts: 3 }, clock, async () => {
    throw new DeliveryError('down', true);
  });
  assert.deepEqual(r, { ok: false, attempts: 3, error: 'down' });
});
