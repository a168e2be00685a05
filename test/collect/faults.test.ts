// Throttling and server errors are retried by the SDK (adaptive mode): the inventory must
// come out identical to a clean run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from '../../src/sim/index.ts';
import { STORE_TARGETS } from '../../src/store/testing.ts';
import { INVENTORY_SEED, collectOnce, inventoryDump } from './harness.ts';

const sqlite = STORE_TARGETS[0] as (typeof STORE_TARGETS)[number];

test('with 10% throttling and 5% HTTP 500 injected the run ends with the same inventory as a clean one', async () => {
  const clean = await startSimulator({ seed: INVENTORY_SEED });
  const faulty = await startSimulator({
    seed: INVENTORY_SEED,
    faults: { throttleRate: 0.1, serverErrorRate: 0.05, randomSeed: 7 },
  });
  const a = await sqlite.fresh();
  const b = await sqlite.fresh();
  try {
    const r1 = await collectOnce(clean, a.store);
    const r2 = await collectOnce(faulty, b.store);
    assert.equal(r1.status, 'ok');
    assert.equal(r2.status, 'ok', JSON.stringify(r2.scopes.filter((s) => !s.ok)));
    // The faults really happened: more HTTP attempts than calls.
    assert.ok(r2.attempts > r2.apiCalls, `attempts ${r2.attempts} calls ${r2.apiCalls}`);
    assert.equal(r1.attempts, r1.apiCalls);
    assert.deepEqual(await inventoryDump(b.store), await inventoryDump(a.store));
  } finally {
    await a.dispose();
    await b.dispose();
    await clean.close();
    await faulty.close();
  }
});
