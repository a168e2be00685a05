import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CountingDevice, FileBlockDevice } from './block-device.ts';
import { VmdkDevice } from './vmdk.ts';
import { openDiskFile } from '../sources/file-source.ts';
import { qemuImgMissing, vmdkGdAtEnd } from '../../../test/helpers/disk-images.ts';
import { patternDisk } from '../../../test/helpers/disk-fuzz.ts';
import {
  assertOpenRejects,
  assertReadsMatchRaw,
  poke,
  qemuImg,
  withTempDir,
} from '../../../test/helpers/disk-format-tests.ts';

const skip = qemuImgMissing();

const withDir = (fn: (dir: string) => Promise<void>): Promise<void> => withTempDir('amw-vmdk-', fn);

/** Opens through format detection, as `file:` does, and reads `read` when given. */
const rejects = (path: string, code: string, message: RegExp, read?: [number, number]): Promise<void> =>
  assertOpenRejects(
    async () => (await openDiskFile(await FileBlockDevice.open(path))).disk,
    code,
    message,
    read,
  );

const u32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(v);
  return b;
};

test(
  'any read of a VMDK equals the raw disk: streamOptimized (GD in the header or at the end), monolithicSparse',
  { skip },
  () =>
    withDir(async (dir) => {
      const raw = join(dir, 'disk.raw');
      // Not a whole number of 64 KiB grains: the last grain is partly outside the capacity.
      const data = patternDisk(2 * 1024 * 1024 + 4096, 11);
      await writeFile(raw, data);
      const kinds = [
        ['streamOptimized', false],
        ['streamOptimized', true],
        ['monolithicSparse', false],
      ] as const;
      for (const [sub, atEnd] of kinds) {
        const img = join(dir, `${sub}.vmdk`);
        qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', `subformat=${sub}`, raw, img);
        if (atEnd) await vmdkGdAtEnd(img);
        const { disk, format } = await openDiskFile(await FileBlockDevice.open(img));
        try {
          assert.equal(format, 'vmdk');
          assert.equal(disk.label, `file:${img} (vmdk ${sub})`);
          assert.equal(disk.size, data.length);
          await assertReadsMatchRaw(disk, data, sub.length, sub);
        } finally {
          await disk.close?.();
        }
      }
    }),
);

test('zeroed grains and grains never written read as zeros', { skip }, () =>
  withDir(async (dir) => {
    const img = join(dir, 'zg.vmdk');
    qemuImg('create', '-q', '-f', 'vmdk', '-o', 'zeroed_grain=on', img, '1M');
    execFileSync('qemu-io', [
      '-f',
      'vmdk',
      '-c',
      'write -q -P 0xaa 0 256k',
      '-c',
      'write -q -z 64k 64k',
      img,
    ]);
    const dev = await VmdkDevice.open(await FileBlockDevice.open(img));
    try {
      assert.ok(dev.header.zeroGrains);
      const expect = Buffer.alloc(1024 * 1024);
      expect.fill(0xaa, 0, 64 * 1024);
      expect.fill(0xaa, 128 * 1024, 256 * 1024);
      assert.ok((await dev.read(0, expect.length)).equals(expect));
    } finally {
      await dev.close();
    }
  }),
);

test('concurrent reads of one compressed grain share one fetch', { skip }, () =>
  withDir(async (dir) => {
    const raw = join(dir, 'disk.raw');
    await writeFile(raw, Buffer.alloc(1024 * 1024, 'compressible text\n'));
    const img = join(dir, 's.vmdk');
    qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, img);
    const host = new CountingDevice(await FileBlockDevice.open(img));
    const dev = await VmdkDevice.open(host);
    try {
      await dev.read(0, 16);
      await dev.read(65536, 16); // warms the tables and the grain's marker
      const before = host.stats.reads;
      await Promise.all(Array.from({ length: 8 }, (_, i) => dev.read(131072 + i * 1000, 512)));
      // One 4 KiB table block for the marker, one read of the grain's data.
      assert.ok(host.stats.reads - before <= 2, `${host.stats.reads - before} reads for eight asks`);
      const after = host.stats.reads;
      await dev.read(131072 + 40_000, 100);
      assert.equal(host.stats.reads, after, 'cached');
    } finally {
      await dev.close();
    }
  }),
);

test('descriptor files, split extents and flat disks are refused naming their create type', { skip }, () =>
  withDir(async (dir) => {
    const split = join(dir, 'split.vmdk');
    qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=twoGbMaxExtentSparse', split, '10M');
    await rejects(split, 'AMW_FS_UNSUPPORTED', /createType twoGbMaxExtentSparse, 1 extent file/);
    await rejects(join(dir, 'split-s001.vmdk'), 'AMW_FS_UNSUPPORTED', /without an embedded descriptor/);
    const flat = join(dir, 'flat.vmdk');
    qemuImg('create', '-q', '-f', 'vmdk', '-o', 'subformat=monolithicFlat', flat, '1M');
    await rejects(flat, 'AMW_FS_UNSUPPORTED', /createType monolithicFlat/);
  }),
);

test(
  'markers naming the wrong sector, tables outside the file and mangled headers are corrupt',
  { skip },
  () =>
    withDir(async (dir) => {
      const raw = join(dir, 'disk.raw');
      await writeFile(raw, patternDisk(512 * 1024, 13));
      const img = join(dir, 's.vmdk');
      qemuImg('convert', '-f', 'raw', '-O', 'vmdk', '-o', 'subformat=streamOptimized', raw, img);
      const clean = await readFile(img);
      const gd = Number(clean.readBigUInt64LE(56)) * 512;
      const gt = clean.readUInt32LE(gd) * 512;
      const firstGrain = clean.readUInt32LE(gt) * 512;
      assert.ok(firstGrain > 0, 'the first grain holds data');
      const cases: [string, number, Buffer, RegExp][] = [
        ['marker sector', firstGrain, Buffer.alloc(8, 1), /names sector .*, not 0/],
        ['marker size', firstGrain + 8, u32(0x7fffffff), /claims 2147483647 compressed bytes/],
        ['grain data', firstGrain + 12, Buffer.alloc(16, 0x55), /does not inflate/],
        ['grain past the end', gt, u32(0x0fffffff), /marker of grain 0 at .* outside the file/],
        ['grain in the header', gt, u32(0), /^(?!)/],
        ['table past the end', gd, u32(0x0fffffff), /grain table 0 at .* outside the file/],
        ['directory past the end', 56, u32(0x0fffffff), /grain directory at sector .* outside the file/],
        ['grain size', 20, u32(3), /grain of 3 sectors/],
        ['text-mode transfer', 73, Buffer.from('\r\n'), /end-of-line test bytes/],
        ['footer missing', 56, Buffer.alloc(8, 0xff), /no footer marker/],
      ];
      for (const [name, at, bytes, message] of cases) {
        const bad = join(dir, 'bad.vmdk');
        await writeFile(bad, clean);
        await poke(bad, at, bytes);
        if (name === 'grain in the header') {
          // An entry of 0 is a grain never written: zeros, not an error.
          const { disk } = await openDiskFile(await FileBlockDevice.open(bad));
          assert.ok((await disk.read(0, 512)).equals(Buffer.alloc(512)), name);
          await disk.close?.();
          continue;
        }
        await rejects(bad, 'AMW_FS_CORRUPT', message, [0, 512]);
      }
    }),
);
