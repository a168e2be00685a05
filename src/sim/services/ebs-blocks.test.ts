import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, open, readFile, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SnapshotRec } from '../state/types.ts';
import { BLOCK_SIZE, writtenBlocks } from './ebs-blocks.ts';

const snap = (content: string) => ({ content }) as SnapshotRec;

/** The definition, byte by byte: a block is listed when any of its bytes is not zero. */
async function naive(file: string): Promise<number[]> {
  const raw = await readFile(file);
  const out: number[] = [];
  for (let i = 0; i * BLOCK_SIZE < raw.length; i++)
    if (raw.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE).some((b) => b !== 0)) out.push(i);
  return out;
}

test('writtenBlocks lists exactly the non-zero 512 KiB blocks: chunk edges, lone last bytes, a short tail', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amw-blocks-'));
  try {
    const file = join(dir, 'sparse.raw');
    // 40 MiB + 1000 bytes: several 2 MiB read chunks and a last block shorter than 512 KiB.
    const size = 40 * 1024 * 1024 + 1000;
    const fh = await open(file, 'w');
    await fh.truncate(size);
    const one = Buffer.from([1]);
    const writes = [
      0, // first byte of the file
      BLOCK_SIZE - 1, // last byte of block 0 (same block)
      3 * BLOCK_SIZE + BLOCK_SIZE - 1, // only the last byte of block 3 (end of the first chunk)
      4 * BLOCK_SIZE, // first byte of block 4 (start of the second chunk)
      17 * BLOCK_SIZE + 12345,
      size - 1, // the short tail block
    ];
    for (const at of writes) await fh.write(one, 0, 1, at);
    // Written zeros are not data: EBS would not list a block the volume never changed from zero.
    await fh.write(Buffer.alloc(BLOCK_SIZE), 0, BLOCK_SIZE, 9 * BLOCK_SIZE);
    await fh.close();
    const expected = await naive(file);
    assert.deepEqual(expected, [0, 3, 4, 17, 80]);
    assert.deepEqual(writtenBlocks(snap(file)), expected);

    // The index is cached by size and mtime: a rewrite with a new mtime is seen.
    const again = await open(file, 'r+');
    await again.write(one, 0, 1, 30 * BLOCK_SIZE + 7);
    await again.close();
    await utimes(file, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    assert.deepEqual(writtenBlocks(snap(file)), [0, 3, 4, 17, 30, 80]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('writtenBlocks: an empty file and a snapshot without content list nothing', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amw-blocks-'));
  try {
    const file = join(dir, 'empty.raw');
    await (await open(file, 'w')).close();
    assert.deepEqual(writtenBlocks(snap(file)), []);
    assert.deepEqual(writtenBlocks({} as SnapshotRec), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
