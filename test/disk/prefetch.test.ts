import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockDevice } from '../../src/scan/disk/block-device.ts';
import { BufferBlockDevice, FileBlockDevice } from '../../src/scan/disk/block-device.ts';
import { CachedDevice } from '../../src/scan/disk/block-cache.ts';
import { assembleImage } from '../../src/scan/fs/assemble.ts';
import type { AssembledImage } from '../../src/scan/fs/assemble.ts';
import type { TreeVfs } from '../../src/scan/fs/tree-vfs.ts';
import { plannedReads } from '../../src/scan/checks/engine.ts';
import { loadCheckSet } from '../../src/scan/checks/loader.ts';
import { selectControls } from '../../src/scan/checks/select.ts';
import { detectOs } from '../../src/scan/os/detect.ts';
import { scanVfs } from '../../src/scan/scan-image.ts';
import type { PrefetchOptions } from '../../src/scan/vfs/prefetch.ts';
import { prefetchGlobs } from '../../src/scan/vfs/prefetch.ts';
import type { ReadFileOptions, Vfs, VfsDirEntry, VfsStat } from '../../src/scan/vfs/vfs.ts';
import type { Variant } from '../helpers/disk-variants.ts';
import { buildVariant } from '../helpers/disk-variants.ts';
import { diskSkip } from '../helpers/variant-check.ts';

/**
 * Sits under the block cache and counts the fetches that reach the disk, how many run at once and
 * the bytes they ask for. Each read yields one event-loop turn first, so reads issued together are
 * seen in flight together whatever the disk's speed.
 */
class InFlightDevice implements BlockDevice {
  readonly label: string;
  readonly size: number;
  inFlight = 0;
  maxInFlight = 0;
  reads = 0;
  bytes = 0;
  constructor(
    private readonly inner: BlockDevice,
    private readonly yieldEachRead = true,
  ) {
    this.label = inner.label;
    this.size = inner.size;
  }
  async read(offset: number, length: number): Promise<Buffer> {
    this.reads++;
    this.bytes += length;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.yieldEachRead) await new Promise((r) => setImmediate(r));
      return await this.inner.read(offset, length);
    } finally {
      this.inFlight--;
    }
  }
  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve();
  }
}

interface Opened {
  dev: InFlightDevice;
  image: AssembledImage;
  close(): Promise<void>;
}

async function open(disk: string, prefetch: PrefetchOptions): Promise<Opened> {
  const dev = new InFlightDevice(await FileBlockDevice.open(disk));
  const cached = new CachedDevice(dev, { blockSize: 64 * 1024, maxBlocks: 4096 });
  const image = await assembleImage(cached, { prefetch });
  return { dev, image, close: () => cached.close() };
}

async function globsFor(vfs: Vfs): Promise<string[]> {
  const set = loadCheckSet();
  const { os } = await detectOs(vfs);
  return plannedReads(set, selectControls(set, os, {}).catalogs);
}

const verdicts = (r: Awaited<ReturnType<typeof scanVfs>>): string[] =>
  r.controls.map((c) => `${c.control.id} ${JSON.stringify(c.verdict)}`);

async function withVariant(variant: Variant, body: (disk: string) => Promise<void>): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), `amw-prefetch-${variant}-`));
  try {
    await body((await buildVariant(variant, join(work, 'v'))).disk);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

for (const variant of ['ext4-gpt', 'var-partition'] as const) {
  test(
    `${variant}: prefetch puts many reads in flight and the verdicts stay the same`,
    { skip: diskSkip },
    () =>
      withVariant(variant, async (disk) => {
        const on = await open(disk, { enabled: true });
        const off = await open(disk, { enabled: false });
        try {
          const globs = await globsFor(on.image.vfs);
          on.dev.maxInFlight = 0;
          const before = on.dev.reads;
          await on.image.vfs.prefetch(globs);
          const stats = on.image.vfs.lastPrefetch!;
          assert.ok(on.dev.maxInFlight >= 4, `max in flight during prefetch: ${on.dev.maxInFlight}`);
          assert.ok(on.dev.reads > before && stats.ops > 50 && stats.dataFiles > 5, JSON.stringify(stats));
          assert.equal(stats.truncated, false);
          // Without read-ahead the same lookups go one after another.
          off.dev.maxInFlight = 0;
          const offReads = off.dev.reads;
          await off.image.vfs.prefetch(globs);
          await off.image.vfs.stat('/etc/ssh/sshd_config');
          await off.image.vfs.stat('/var/lib/blobs/log.txt');
          assert.ok(off.dev.reads > offReads, 'the lookups read nothing');
          assert.equal(off.dev.maxInFlight, 1);
          assert.deepEqual(verdicts(await scanVfs(on.image.vfs)), verdicts(await scanVfs(off.image.vfs)));
        } finally {
          await on.close();
          await off.close();
        }
      }),
  );
}

test('var-partition: prefetch crosses the mount point fstab placed', { skip: diskSkip }, () =>
  withVariant('var-partition', async (disk) => {
    const o = await open(disk, { enabled: true });
    try {
      assert.deepEqual(
        o.image.mounts.map((m) => `${m.path} ${m.fs.kind}`),
        ['/ ext4', '/var xfs'],
      );
      const seen: string[] = [];
      const recording: Vfs = {
        label: 'recording',
        lstat: (p: string): Promise<VfsStat> => (seen.push(p), o.image.vfs.lstat(p)),
        stat: (p: string): Promise<VfsStat> => o.image.vfs.stat(p),
        readdir: (p: string): Promise<VfsDirEntry[]> => o.image.vfs.readdir(p),
        readlink: (p: string): Promise<string> => o.image.vfs.readlink(p),
        readFile: (p: string, opt?: ReadFileOptions): Promise<Buffer> => o.image.vfs.readFile(p, opt),
      };
      const stats = await prefetchGlobs(recording, ['/var/lib/blobs/*', '/var/log/**']);
      assert.equal(stats.errors, 0);
      assert.ok(seen.includes('/var/lib/blobs/log.txt'), seen.join(' '));
    } finally {
      await o.close();
    }
  }),
);

test(
  'bare-ext3: inode tables of all groups are read ahead at once; hostile globs stay bounded',
  { skip: diskSkip },
  () =>
    withVariant('bare-ext3', async (disk) => {
      const o = await open(disk, { enabled: true, maxOps: 60, maxDataFiles: 4, maxDataBytes: 8192 });
      try {
        const fs = o.image.mounts[0]!.fs;
        o.dev.maxInFlight = 0;
        const bytes = await fs.prefetchInodeTables!(64 * 1024 * 1024);
        assert.ok(bytes > 0);
        assert.ok(o.dev.maxInFlight > 1, `inode-table reads in flight: ${o.dev.maxInFlight}`);
        // The directories found in the tables were read too: listing one now costs no disk read.
        const before = o.dev.reads;
        assert.equal((await o.image.vfs.readdir('/usr/share/medium')).length, 200);
        assert.equal(o.dev.reads, before, 'listing after the read-ahead went to the disk');
        const capped = await fs.prefetchInodeTables!(4096);
        assert.equal(capped, 4096);

        const readsBefore = o.dev.bytes;
        await o.image.vfs.prefetch(['/**', '/*/*/*', '/usr/share/many/*', '/**/*', '/*']);
        const stats = o.image.vfs.lastPrefetch!;
        assert.ok(stats.ops <= 60, JSON.stringify(stats));
        assert.ok(stats.dataFiles <= 4 && stats.dataBytes <= 8192, JSON.stringify(stats));
        assert.equal(stats.truncated, true);
        // 60 operations over a cache of 64 KiB blocks: the disk itself is not read through.
        assert.ok(o.dev.bytes - readsBefore < 8 * 1024 * 1024, `${o.dev.bytes - readsBefore} bytes read`);
      } finally {
        await o.close();
      }
    }),
);

test('read-ahead on mutated ext3 images never throws and stays within its budget', { skip: diskSkip }, () =>
  withVariant('bare-ext3', async (disk) => {
    const image = await readFile(disk);
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    // Mutate where read-ahead looks: group descriptors, inode tables, directory blocks (first 4 MiB).
    const span = Math.min(image.length, 4 * 1024 * 1024);
    let assembled = 0;
    for (let c = 0; c < 40; c++) {
      const at = Array.from({ length: 1 + rand(24) }, () => 2048 + rand(span - 2048));
      const saved = at.map((p) => image[p]!);
      for (const p of at) image[p] = rand(256);
      try {
        const dev = new InFlightDevice(new BufferBlockDevice('mutated', image), false);
        let vfs: TreeVfs;
        try {
          vfs = (await assembleImage(dev, { prefetch: { maxOps: 2000 } })).vfs;
        } catch {
          continue; // the opening refused it: nothing to read ahead
        }
        assembled++;
        await vfs.prefetch(['/**', '/etc/*', '/etc/ssh/sshd_config', '/var/lib/blobs/*']);
        const stats = vfs.lastPrefetch!;
        assert.ok(stats.ops <= 2000 && stats.dataBytes <= 32 * 1024 * 1024, JSON.stringify(stats));
        assert.ok(dev.bytes < 256 * 1024 * 1024, `case ${c}: ${dev.bytes} bytes read`);
      } finally {
        at.forEach((p, i) => (image[p] = saved[i]!));
      }
    }
    assert.ok(assembled > 10, `${assembled} mutated images opened`);
  }),
);
