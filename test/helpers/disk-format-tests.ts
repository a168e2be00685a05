import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../../src/errors.ts';
import type { BlockDevice } from '../../src/scan/disk/block-device.ts';
import { rng } from '../../src/seeded-rng.ts';

/**
 * Scaffolding the container-format reader tests (qcow2, VMDK) share: a scratch folder, qemu-img,
 * in-place byte patches, and the two checks every format gets (reads equal the raw disk; a bad
 * file is refused with a named error).
 */

/** Runs `fn` with a fresh temporary folder, removed afterwards whatever happens. */
export async function withTempDir(prefix: string, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const qemuImg = (...args: string[]): void => void execFileSync('qemu-img', args, { stdio: 'pipe' });

/** Overwrites bytes of a file in place. */
export async function poke(path: string, at: number, bytes: Buffer): Promise<void> {
  const fh = await open(path, 'r+');
  await fh.write(bytes, 0, bytes.length, at);
  await fh.close();
}

/**
 * Asserts that opening a device (and reading `read` = [offset, length] when given) fails with an
 * AmwError of `code` whose message matches `message`.
 */
export async function assertOpenRejects(
  openDevice: () => Promise<BlockDevice>,
  code: string,
  message: RegExp,
  read?: [number, number],
): Promise<void> {
  const attempt = async (): Promise<void> => {
    const dev = await openDevice();
    try {
      if (read) await dev.read(read[0], read[1]);
    } finally {
      await dev.close?.();
    }
  };
  await assert.rejects(attempt(), (err: unknown) => {
    assert.ok(isAmwError(err), String(err));
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

/**
 * Sixty seeded random reads, the whole disk, its last byte and an empty read at its end, all
 * asked at once: each must equal the same bytes of `data`, the raw disk the image was made from.
 */
export async function assertReadsMatchRaw(
  dev: BlockDevice,
  data: Buffer,
  seed: number,
  label: string,
): Promise<void> {
  const rand = rng(seed);
  const reads = Array.from({ length: 60 }, () => {
    const at = Math.floor(rand() * data.length);
    return [at, Math.min(data.length - at, Math.floor(rand() * 200_000))] as const;
  });
  reads.push([0, data.length], [data.length - 1, 1], [data.length, 0]);
  const got = await Promise.all(reads.map(([at, len]) => dev.read(at, len)));
  got.forEach((b, i) => {
    const [at, len] = reads[i]!;
    assert.ok(b.equals(data.subarray(at, at + len)), `${label}: read ${len} at ${at}`);
  });
}
