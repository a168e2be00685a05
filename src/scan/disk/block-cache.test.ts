import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferBlockDevice, CountingDevice } from './block-device.ts';
import { CachedDevice } from './block-cache.ts';
import { isAmwError } from '../../errors.ts';

const bytes = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));

test('the cache merges concurrent asks, assembles reads across blocks and evicts the oldest', async () => {
  const counting = new CountingDevice(new BufferBlockDevice('mem', bytes));
  const cache = new CachedDevice(counting, { blockSize: 1024, maxBlocks: 4 });
  const [a, b] = await Promise.all([cache.read(10, 20), cache.read(100, 50)]);
  assert.deepEqual(a, bytes.subarray(10, 30));
  assert.deepEqual(b, bytes.subarray(100, 150));
  assert.equal(counting.stats.reads, 1, 'two asks for one block, one read');
  assert.deepEqual(await cache.read(1000, 3000), bytes.subarray(1000, 4000));
  assert.equal(counting.stats.reads, 4, 'blocks 1..3 fetched, block 0 reused');
  await cache.read(5000, 10); // block 4: block 0 is now the oldest and leaves
  await cache.read(0, 1);
  assert.equal(counting.stats.reads, 6);
  assert.deepEqual(await cache.read(9990, 10), bytes.subarray(9990));
});

test('reads outside the device are AMW_FS_CORRUPT', async () => {
  const cache = new CachedDevice(new BufferBlockDevice('mem', bytes));
  for (const [off, len] of [
    [9_999, 2],
    [-1, 1],
    [0, 2 ** 40],
    [0.5, 1],
  ] as const) {
    await assert.rejects(cache.read(off, len), (e: unknown) => isAmwError(e, 'AMW_FS_CORRUPT'));
  }
});
