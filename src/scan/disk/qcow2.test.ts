import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CountingDevice, FileBlockDevice } from './block-device.ts';
import { Qcow2Device } from './qcow2.ts';
import { qemuImgMissing } from '../../../test/helpers/disk-images.ts';
import { patternDisk } from '../../../test/helpers/disk-fuzz.ts';
import {
  assertOpenRejects,
  assertReadsMatchRaw,
  poke,
  qemuImg,
  withTempDir,
} from '../../../test/helpers/disk-format-tests.ts';

const skip = qemuImgMissing();
const qemuIo = (img: string, ...cmds: string[]): void =>
  void execFileSync('qemu-io', ['-f', 'qcow2', ...cmds.flatMap((c) => ['-c', c]), img], { stdio: 'pipe' });

const withDir = (fn: (dir: string) => Promise<void>): Promise<void> => withTempDir('amw-qcow2-', fn);

const openQcow2 = async (path: string): Promise<Qcow2Device> =>
  Qcow2Device.open(await FileBlockDevice.open(path));

const rejects = (path: string, code: string, message: RegExp, read?: [number, number]): Promise<void> =>
  assertOpenRejects(() => openQcow2(path), code, message, read);

const u64 = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(v);
  return b;
};

test(
  'any read of a qcow2 equals the raw disk: 512 B to 2 MiB clusters, compressed, v2 and v3',
  { skip },
  () =>
    withDir(async (dir) => {
      const raw = join(dir, 'disk.raw');
      const data = patternDisk(2 * 1024 * 1024 + 4096, 7);
      await writeFile(raw, data);
      const variants: string[][] = [
        ['-o', 'cluster_size=512,compat=0.10'],
        ['-c', '-o', 'cluster_size=512'],
        ['-o', 'cluster_size=65536'],
        ['-c', '-o', 'cluster_size=65536,compat=0.10'],
        ['-c', '-o', 'cluster_size=2M'],
        ['-o', 'cluster_size=16384,extended_l2=on'],
      ];
      for (const opts of variants) {
        const img = join(dir, 'disk.qcow2');
        qemuImg('convert', '-f', 'raw', '-O', 'qcow2', ...opts, raw, img);
        const dev = await openQcow2(img);
        try {
          assert.equal(dev.size, data.length);
          assert.equal(dev.header.version, opts.join(' ').includes('compat=0.10') ? 2 : 3);
          await assertReadsMatchRaw(dev, data, opts.length, opts.join(' '));
          await assert.rejects(dev.read(data.length - 1, 2), /outside the device/);
        } finally {
          await dev.close();
        }
      }
    }),
);

test(
  'zero-flagged clusters (with and without an allocation) and unallocated clusters read as zeros',
  { skip },
  () =>
    withDir(async (dir) => {
      const img = join(dir, 'z.qcow2');
      qemuImg('create', '-q', '-f', 'qcow2', img, '1M');
      qemuIo(img, 'write -q -P 0xaa 0 256k', 'write -q -z 64k 64k', 'write -q -z -u 128k 64k');
      const dev = await openQcow2(img);
      try {
        const all = await dev.read(0, 1024 * 1024);
        const expect = Buffer.alloc(1024 * 1024);
        expect.fill(0xaa, 0, 64 * 1024);
        expect.fill(0xaa, 192 * 1024, 256 * 1024);
        assert.ok(all.equals(expect));
      } finally {
        await dev.close();
      }
    }),
);

test('concurrent reads of one compressed cluster share one fetch; later reads hit the cache', { skip }, () =>
  withDir(async (dir) => {
    const raw = join(dir, 'disk.raw');
    await writeFile(raw, Buffer.alloc(1024 * 1024, 'compressible text\n'));
    const img = join(dir, 'c.qcow2');
    qemuImg('convert', '-f', 'raw', '-O', 'qcow2', '-c', raw, img);
    const host = new CountingDevice(await FileBlockDevice.open(img));
    const dev = await Qcow2Device.open(host);
    try {
      await dev.read(0, 16); // warms the L1 and the L2 slice
      const before = host.stats.reads;
      await Promise.all(Array.from({ length: 8 }, (_, i) => dev.read(65536 + i * 1000, 512)));
      assert.equal(host.stats.reads - before, 1, 'one read of the compressed cluster for eight asks');
      await dev.read(65536 + 40_000, 100);
      assert.equal(host.stats.reads - before, 1, 'cached');
    } finally {
      await dev.close();
    }
  }),
);

test('backing files, encryption, external data files and zstd are refused by name', { skip }, () =>
  withDir(async (dir) => {
    const base = join(dir, 'base.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', base, '1M');
    const over = join(dir, 'over.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', base, '-F', 'qcow2', over);
    await rejects(over, 'AMW_FS_UNSUPPORTED', new RegExp(`backing file "${base}"`));

    // The header's crypt_method field is all the reader looks at. It is set by hand rather than with
    // qemu-img's LUKS options, whose key-derivation benchmark fails where CPU time cannot be measured.
    const enc = join(dir, 'enc.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', enc, '1M');
    await poke(enc, 32, Buffer.from([0, 0, 0, 2]));
    await rejects(enc, 'AMW_FS_UNSUPPORTED', /encrypted \(LUKS\)/);
    await poke(enc, 32, Buffer.from([0, 0, 0, 1]));
    await rejects(enc, 'AMW_FS_UNSUPPORTED', /encrypted \(AES\)/);
    await poke(enc, 32, Buffer.from([0, 0, 0, 9]));
    await rejects(enc, 'AMW_FS_UNSUPPORTED', /encrypted \(method 9\)/);

    const ext = join(dir, 'ext.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-o', `data_file=${join(dir, 'ext.raw')}`, ext, '1M');
    await rejects(ext, 'AMW_FS_UNSUPPORTED', /external data file ".*ext\.raw"/);

    const zstd = join(dir, 'zstd.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', '-o', 'compression_type=zstd', zstd, '1M');
    await rejects(zstd, 'AMW_FS_UNSUPPORTED', /zstd/);

    const future = join(dir, 'future.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', future, '1M');
    await poke(future, 72, u64(1n << 20n));
    await rejects(future, 'AMW_FS_UNSUPPORTED', /unknown incompatible feature bit\(s\) 20/);
    await poke(future, 72, u64(0n));
    await poke(future, 4, Buffer.from([0, 0, 0, 4]));
    await rejects(future, 'AMW_FS_UNSUPPORTED', /version 4/);
  }),
);

test(
  'tables that point into the header or past the end, and bad compressed data, are corrupt',
  { skip },
  () =>
    withDir(async (dir) => {
      const raw = join(dir, 'disk.raw');
      await writeFile(raw, patternDisk(512 * 1024, 5));
      const img = join(dir, 'plain.qcow2');
      qemuImg('convert', '-f', 'raw', '-O', 'qcow2', raw, img);
      const clean = await readFile(img);
      const l1Offset = Number(clean.readBigUInt64BE(40));
      const l2Offset = Number(clean.readBigUInt64BE(l1Offset) & 0x00fffffffffffe00n);
      const copied = 1n << 63n;
      const cases: [string, number, Buffer, RegExp][] = [
        ['L1 into the header', l1Offset, u64(copied | 512n), /not cluster aligned/],
        [
          'L1 past the end',
          l1Offset,
          u64(copied | (1n << 40n)),
          /L2 table of L1 entry 0 at .* outside the file/,
        ],
        ['L2 into the header', l2Offset, u64(copied | 512n), /not aligned in the file/],
        ['L2 at the header', l2Offset, u64(copied | 1n), /reads as zeros/],
        ['L2 past the end', l2Offset, u64(copied | (1n << 40n)), /cluster 0 at .* outside the file/],
        ['compressed garbage', l2Offset, u64((1n << 62n) | BigInt(l2Offset)), /does not inflate|inflates to/],
        ['cluster bits', 20, Buffer.from([0, 0, 0, 30]), /cluster bits 30/],
        ['huge L1', 36, Buffer.from([0x7f, 0xff, 0xff, 0xff]), /L1 table of .* too large/],
        ['L1 outside', 40, u64(1n << 40n), /L1 table at .* outside the file/],
      ];
      for (const [name, at, bytes, message] of cases) {
        const bad = join(dir, 'bad.qcow2');
        await writeFile(bad, clean);
        await poke(bad, at, bytes);
        if (name === 'L2 at the header') {
          // v3 zero flag with an offset of 0 reads as zeros: allowed, not corrupt.
          const dev = await openQcow2(bad);
          assert.ok((await dev.read(0, 512)).equals(Buffer.alloc(512)), name);
          await dev.close();
          continue;
        }
        await rejects(bad, 'AMW_FS_CORRUPT', message, [0, 512]);
      }
      const cut = join(dir, 'cut.qcow2');
      await writeFile(cut, clean);
      await truncate(cut, 60);
      await rejects(cut, 'AMW_FS_CORRUPT', /shorter than a header/);
    }),
);
