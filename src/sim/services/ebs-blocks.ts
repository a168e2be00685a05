import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { SnapshotRec } from '../state/types.ts';

export const BLOCK_SIZE = 524_288;

/**
 * The blocks of a snapshot's `content` file. EBS lists only written blocks; an all-zero block of a
 * raw image reads the same as an unwritten one, so only non-zero blocks are listed. The index of a
 * file is computed once per file size and modification time.
 */
const indexCache = new Map<string, { key: string; blocks: number[] }>();

export function writtenBlocks(snap: SnapshotRec): number[] {
  if (!snap.content) return [];
  const fd = openSync(snap.content, 'r');
  try {
    const st = fstatSync(fd);
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = indexCache.get(snap.content);
    if (hit && hit.key === key) return hit.blocks;
    const blocks: number[] = [];
    const buf = Buffer.alloc(BLOCK_SIZE);
    const count = Math.ceil(st.size / BLOCK_SIZE);
    for (let i = 0; i < count; i++) {
      const n = readSync(fd, buf, 0, BLOCK_SIZE, i * BLOCK_SIZE);
      if (!isZero(buf, n)) blocks.push(i);
    }
    indexCache.set(snap.content, { key, blocks });
    return blocks;
  } finally {
    closeSync(fd);
  }
}

export function readBlock(snap: SnapshotRec, index: number): Buffer {
  const out = Buffer.alloc(BLOCK_SIZE);
  if (!snap.content) return out;
  const fd = openSync(snap.content, 'r');
  try {
    readSync(fd, out, 0, BLOCK_SIZE, index * BLOCK_SIZE);
    return out;
  } finally {
    closeSync(fd);
  }
}

function isZero(buf: Buffer, n: number): boolean {
  for (let i = 0; i < n; i++) if (buf[i] !== 0) return false;
  return true;
}
