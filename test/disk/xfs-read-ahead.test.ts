import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBlockDevice } from '../../src/scan/disk/block-device.ts';
import { CachedDevice } from '../../src/scan/disk/block-cache.ts';
import { TreeVfs } from '../../src/scan/fs/tree-vfs.ts';
import { XfsFs } from '../../src/scan/fs/xfs/xfs-fs.ts';
import { chunkInUse, readInodeChunks } from '../../src/scan/fs/xfs/inobt.ts';
import { walkTree } from '../../src/scan/vfs/walk.ts';
import { makeXfs } from '../helpers/disk-images.ts';
import { layOutDiskTree } from '../helpers/fixture-disk-tree.ts';
import { diskSkip } from '../helpers/variant-check.ts';
import { RoundDevice } from '../helpers/round-device.ts';

const DIRS = 300;
const UUID = '0a1b2c3d-0000-4000-8000-00000000a11a';

/** A bare 128 MiB XFS (4 AGs) with the AL2023 fixture and 300 package directories of 3 files. */
async function buildImage(work: string): Promise<Buffer> {
  const tree = join(work, 'tree');
  await layOutDiskTree('al2023', tree, `UUID=${UUID} / xfs defaults 0 0\n`);
  for (let i = 0; i < DIRS; i++) {
    const dir = join(tree, 'usr/share/doc', `pkg-${i}`);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'copyright'), `License: pkg-${i}\n`);
    await writeFile(join(dir, 'changelog.gz'), Buffer.alloc(5000 + i, i % 251));
    await writeFile(join(dir, 'README'), `pkg-${i}\n`);
  }
  const img = join(work, 'xfs.img');
  await makeXfs(tree, img, { sizeMiB: 128, uuid: UUID });
  return readFile(img);
}

async function open(image: Buffer): Promise<{ dev: RoundDevice; fs: XfsFs; vfs: TreeVfs }> {
  const dev = new RoundDevice(new BufferBlockDevice('xfs', image));
  const fs = await XfsFs.open(new CachedDevice(dev, { blockSize: 64 * 1024, maxBlocks: 4096 }));
  return { dev, fs, vfs: new TreeVfs('xfs', [{ path: '/', fs }]) };
}

async function walkInodes(vfs: TreeVfs): Promise<Set<number>> {
  const seen = new Set<number>();
  const summary = await walkTree(vfs, '/', (e) => void seen.add(e.stat.ino), { skipDirs: [] });
  assert.equal(summary.problems.length, 0, JSON.stringify(summary.problems));
  return seen;
}

test(
  'XFS read-ahead: every in-use inode chunk and directory in a few rounds; the walk then reads nothing',
  {
    skip: diskSkip,
  },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-xfs-ra-'));
    try {
      const image = await buildImage(work);
      // Without read-ahead: one round per inode cluster and directory level the walk waits on.
      const off = await open(image);
      off.dev.reset();
      const walked = await walkInodes(off.vfs);
      assert.ok(walked.size > DIRS * 4, `${walked.size} inodes walked`);

      const on = await open(image);
      const sb = on.fs.sb;
      assert.ok(sb.agCount >= 2, `${sb.agCount} AGs`);
      // Oracle: the inode B+trees list every inode the walk met as allocated and in use.
      const chunks = (
        await Promise.all(
          Array.from({ length: sb.agCount }, (_, ag) =>
            readInodeChunks({ sb, read: (o, l) => on.dev.read(o, l) }, ag, { left: 1e6 }),
          ),
        )
      ).flat();
      const inUse = new Set<number>();
      for (const c of chunks) {
        const base = c.agno * 2 ** (sb.agBlkLog + sb.inopbLog) + c.startAgino;
        for (let i = 0; i < 64; i++) if (!(c.free & (1n << BigInt(i)))) inUse.add(base + i);
      }
      for (const ino of walked) assert.ok(inUse.has(ino), `inode ${ino} missing from the inode B+trees`);
      const used = chunks.filter(chunkInUse).length;
      assert.ok(used >= 10, `${used} chunks in use`);

      on.dev.reset();
      const bytes = await on.fs.prefetchInodeTables(48 * 1024 * 1024);
      assert.ok(bytes >= used * 64 * sb.inodeSize, `${bytes} bytes read ahead for ${used} chunks`);
      // AGI, inode B+tree levels (one here), chunks, directory map blocks, directory blocks: a fixed
      // number of rounds whatever the number of chunks, where the walk without it waits once per
      // level and cluster.
      assert.ok(on.dev.rounds <= 5, `read-ahead took ${on.dev.rounds} rounds`);
      assert.ok(off.dev.rounds > 3 * on.dev.rounds, `walk without read-ahead: ${off.dev.rounds} rounds`);
      on.dev.reset();
      assert.deepEqual(await walkInodes(on.vfs), walked);
      // Directories included, the big one whose blocks a map B+tree lists.
      assert.equal(on.dev.reads, 0, `the walk after read-ahead read ${on.dev.reads} times`);

      // The budget holds: a tiny one reads that much and no more.
      const small = await open(image);
      assert.equal(await small.fs.prefetchInodeTables(4096), 4096);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);

test(
  'XFS read-ahead over mutated AG headers and inode B+trees never throws and stays in budget',
  {
    skip: diskSkip,
  },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-xfs-ra-fuzz-'));
    try {
      const image = await buildImage(work);
      const probe = await open(image);
      const sb = probe.fs.sb;
      // Where read-ahead looks: each AG's first 64 KiB (AGI, inode B+tree root) and the first chunks.
      const spots: number[] = [];
      for (let ag = 0; ag < sb.agCount; ag++) spots.push(ag * sb.agBlocks * sb.blockSize);
      let seed = 11;
      const rand = (n: number): number => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed % n;
      };
      let opened = 0;
      for (let c = 0; c < 60; c++) {
        const at = Array.from(
          { length: 1 + rand(32) },
          () => spots[rand(spots.length)]! + 512 + rand(64 * 1024 - 512),
        );
        const saved = at.map((p) => image[p]!);
        for (const p of at) image[p] = rand(256);
        try {
          let o: Awaited<ReturnType<typeof open>>;
          try {
            o = await open(image);
          } catch {
            continue;
          }
          opened++;
          const budget = 2 * 1024 * 1024;
          const bytes = await o.fs.prefetchInodeTables(budget);
          assert.ok(bytes <= budget, `case ${c}: ${bytes} bytes`);
          assert.ok(o.dev.reads < 2000, `case ${c}: ${o.dev.reads} reads`);
        } finally {
          at.forEach((p, i) => (image[p] = saved[i]!));
        }
      }
      assert.ok(opened > 20, `${opened} mutated images opened`);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);
