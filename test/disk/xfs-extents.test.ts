import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskToolsMissing } from '../helpers/disk-images.ts';
import type { CraftSpec, PlannedExtent } from '../helpers/xfs-extent-craft.ts';
import { buildFragmentedXfs, xfsDb } from '../helpers/xfs-extent-craft.ts';
import { openFileSource } from '../../src/scan/sources/file-source.ts';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Config {
  name: string;
  blockSize: 1024 | 4096;
  sectorSize: 512 | 4096;
  agBlocks?: number;
  nrext64?: boolean;
}

/** Files in every data-fork shape the reader must handle; sizes in blocks of `bs`. */
function specs(c: Config): CraftSpec[] {
  const bs = c.blockSize;
  const range = (n: number, f: (i: number) => PlannedExtent): PlannedExtent[] =>
    Array.from({ length: n }, (_, i) => f(i));
  return [
    {
      // Out of physical order, holes, an unwritten extent, a partial last block.
      path: '/frag',
      extents: [
        { startoff: 0, count: 3 },
        { startoff: 3, count: 2 },
        { startoff: 8, count: 4, unwritten: true },
        { startoff: 12, count: 1 },
        { startoff: 14, count: 2 },
        { startoff: 20, count: 5 },
      ],
      size: 25 * bs - 1000,
    },
    // A hole first and a hole after the last extent.
    {
      path: '/sparse',
      extents: [
        { startoff: 10, count: 2 },
        { startoff: 40, count: 1 },
      ],
      size: 60 * bs + 17,
    },
    // As many extents as the inode holds.
    { path: '/full-inode', extents: range(21, (i) => ({ startoff: 2 * i, count: 1 })), size: 42 * bs },
    {
      // One more than the inode holds: a B+tree with one leaf. Lands in another AG (a directory).
      path: '/d1/btree',
      extents: range(40, (i) => ({ startoff: 3 * i, count: 1 + (i % 3), unwritten: i % 11 === 5 })),
      size: 124 * bs + 5,
    },
    {
      // Enough for several leaves (siblings linked, several keys in the root).
      path: '/d2/deep/btree-leaves',
      extents: range(300, (i) => ({ startoff: 2 * i, count: 1, unwritten: i % 50 === 7 })),
      size: 600 * bs,
    },
    // 1 KiB blocks hold 59 records: more than 20 leaves need a level of index nodes too.
    ...(bs === 1024
      ? [
          {
            path: '/d3/two-level',
            extents: range(1300, (i) => ({ startoff: 3 * i + (i % 2), count: 1, unwritten: i % 97 === 3 })),
            size: 3900 * bs + 99,
          },
        ]
      : []),
    // An SELinux label in the inode leaves 288 bytes for the data fork: 18 extents, or a root of 17.
    ...[12, 30].map((n) => ({
      path: `/labelled/${n}-extents`,
      extents: range(n, (i) => ({ startoff: 2 * i + 1, count: 1 + (i % 2) })),
      size: (2 * n + 3) * bs,
      securityXattr: { name: 'selinux', value: 'system_u:object_r:etc_t:s0\0' },
    })),
    // Written before the filesystem had 64-bit counters: the 32-bit count is the one to read.
    ...(c.nrext64
      ? [
          {
            path: '/legacy-counts',
            extents: range(8, (i) => ({ startoff: 4 * i, count: 2 })),
            size: 30 * bs,
            legacyCounts: true,
          },
        ]
      : []),
  ];
}

const CONFIGS: readonly Config[] = [
  {
    name: '4 KiB blocks, 512-byte sectors, 5000-block AGs',
    blockSize: 4096,
    sectorSize: 512,
    agBlocks: 5000,
  },
  { name: '4 KiB blocks and sectors', blockSize: 4096, sectorSize: 4096 },
  { name: '1 KiB blocks', blockSize: 1024, sectorSize: 512, agBlocks: 20000 },
  { name: 'nrext64 extent counters', blockSize: 4096, sectorSize: 512, nrext64: true },
];

for (const [n, c] of CONFIGS.entries()) {
  test(
    `XFS multi-extent, sparse and B+tree files read back exactly (${c.name})`,
    { skip: diskToolsMissing() },
    async () => {
      const work = await mkdtemp(join(tmpdir(), 'amw-xfs-extents-'));
      try {
        const img = join(work, 'fs.img');
        const wanted = specs(c);
        const files = await buildFragmentedXfs(work, img, wanted, {
          uuid: `7e57e7e0-0000-4000-8000-00000000000${n}`,
          sizeMiB: 96,
          ...c,
          seed: n + 1,
        });
        const agsUsed = new Set<number>();
        const source = await openFileSource(`file:${img}`);
        try {
          for (const [i, f] of files.entries()) {
            const spec = wanted[i]!;
            const core = xfsDb(img, [
              `inode ${f.ino}`,
              'p core.format core.nextents core.size core.nblocks v3.nrext64 core.forkoff core.aformat',
              ...(f.format === 'btree' ? ['p u3.bmbt.level'] : []),
              'bmap',
            ]);
            const format = /core.format = \d+ \((\w+)\)/.exec(core)?.[1];
            const nextents = Number(/core.nextents = (\d+)/.exec(core)?.[1]);
            assert.equal(format, f.format, `${f.path}: xfs_db format`);
            assert.equal(format, spec.extents.length > (spec.securityXattr ? 18 : 21) ? 'btree' : 'extents');
            assert.ok(nextents > 1);
            assert.equal(
              /core.forkoff = (\d+)/.exec(core)?.[1],
              spec.securityXattr ? '36' : '0',
              `${f.path}: attribute fork offset`,
            );
            if (spec.securityXattr) assert.match(core, /core.aformat = 1 \(local\)/);
            const big = c.nrext64 === true && spec.legacyCounts !== true;
            assert.equal(/v3.nrext64 = (\d)/.exec(core)?.[1], big ? '1' : '0', `${f.path}: NREXT64 flag`);
            if (format === 'btree') {
              assert.equal(
                Number(/u3.bmbt.level = (\d+)/.exec(core)?.[1]),
                f.levels,
                `${f.path}: tree levels`,
              );
            }
            assert.equal(nextents, spec.extents.length, `${f.path}: xfs_db nextents`);
            const blocks = spec.extents.reduce((s, e) => s + e.count, 0) + f.treeBlocks.length;
            assert.equal(Number(/core.nblocks = (\d+)/.exec(core)?.[1]), blocks, `${f.path}: nblocks`);

            // xfs_db decodes the fork (or walks the tree) itself: the map it sees is the plan.
            const bmap = [
              ...core.matchAll(/^data offset (\d+) startblock (\d+) \((\d+)\/\d+\) count (\d+) flag (\d)$/gm),
            ];
            for (const m of bmap) agsUsed.add(Number(m[3]));
            assert.deepEqual(
              bmap.map((m) => [Number(m[1]), Number(m[2]), Number(m[4]), m[5] === '1']),
              spec.extents.map((e, k) => [e.startoff, f.startblocks[k], e.count, e.unwritten === true]),
              `${f.path}: xfs_db bmap`,
            );

            const st = await source.vfs.stat(f.path);
            assert.equal(st.type, 'file');
            assert.equal(st.ino, f.ino);
            assert.equal(st.size, Number(/core.size = (\d+)/.exec(core)?.[1]));
            assert.equal(st.size, spec.size);
            const got = await source.vfs.readFile(f.path);
            assert.equal(got.length, f.expected.length);
            assert.equal(sha(got), sha(f.expected), `${f.path}: content`);

            // Partial reads stop inside a hole, inside an extent and on a block edge.
            for (const cut of [
              1,
              c.blockSize,
              9 * c.blockSize + 7,
              Math.floor(spec.size / 2),
              spec.size - 1,
            ]) {
              const part = await source.vfs.readFile(f.path, { maxBytes: cut });
              assert.ok(part.equals(f.expected.subarray(0, cut)), `${f.path}: first ${cut} bytes`);
            }
          }
          const unwritten = files[0]!.expected.subarray(8 * c.blockSize, 12 * c.blockSize);
          assert.ok(
            unwritten.every((b) => b === 0),
            'the unwritten extent holds filler on disk, reads as zeros',
          );
        } finally {
          await source.close();
        }
        if (c.agBlocks) assert.ok(agsUsed.size > 1, `files in AGs ${[...agsUsed].join(',')}`);
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  );
}
