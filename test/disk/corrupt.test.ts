import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GPT_LINUX, makeDisk, makeExt4, makeXfs } from '../helpers/disk-images.ts';
import { makeLvmPv } from '../helpers/lvm-writer.ts';
import { diskSkip } from '../helpers/variant-check.ts';
import { walk } from '../helpers/disk-fuzz.ts';
import { openFileSource } from '../../src/scan/sources/file-source.ts';
import { isAmwError } from '../../src/errors.ts';
import type { ErrorCode } from '../../src/errors.ts';
import { isVfsError } from '../../src/scan/vfs/vfs.ts';

const env = { ...process.env, PATH: `${process.env['PATH']}:/usr/sbin` };
const sh = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { env, stdio: 'pipe' }).toString();

async function rootTree(dir: string): Promise<void> {
  await mkdir(join(dir, 'etc'), { recursive: true });
  await mkdir(join(dir, 'a/b'), { recursive: true });
  await writeFile(join(dir, 'etc/os-release'), 'ID=test\n');
  await writeFile(join(dir, 'etc/data'), Buffer.alloc(64 * 1024, 'd'));
}

async function patch(path: string, offset: number, bytes: Buffer): Promise<void> {
  const fh = await open(path, 'r+');
  await fh.write(bytes, 0, bytes.length, offset);
  await fh.close();
}

async function rejects(spec: string, code: ErrorCode, message: RegExp): Promise<void> {
  await assert.rejects(openFileSource(spec), (err: unknown) => {
    assert.ok(isAmwError(err), `an AmwError, not ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    return true;
  });
}

test('corrupt partition tables and LVM metadata give their own error codes', { skip: diskSkip }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'amw-corrupt-'));
  try {
    await rootTree(join(work, 'tree'));
    const fsImg = join(work, 'root.img');
    await makeExt4(join(work, 'tree'), fsImg, { sizeMiB: 4, uuid: '0a1b2c3d-0000-4000-8000-0000000c0001' });

    const gpt = join(work, 'gpt.img');
    await makeDisk(gpt, 'gpt', [{ sizeMiB: 4, type: GPT_LINUX, name: 'x', image: fsImg }]);
    assert.equal((await openFileSource(gpt)).image.mounts.length, 1);
    const truncated = join(work, 'truncated.img');
    await writeFile(truncated, (await readFile(gpt)).subarray(0, 3 * 1024 * 1024));
    await rejects(truncated, 'AMW_DISK_BAD_MBR', /beyond the \d+-sector disk/);
    // Break both GPT headers (primary at LBA 1, backup at the last LBA): no table is left.
    const size = (await readFile(gpt)).length;
    await patch(gpt, 512 + 16, Buffer.from([1, 2, 3, 4]));
    await patch(gpt, size - 512 + 16, Buffer.from([1, 2, 3, 4]));
    await rejects(gpt, 'AMW_DISK_BAD_GPT', /header checksum mismatch/);

    const mbr = join(work, 'mbr.img');
    await makeDisk(mbr, 'dos', [{ sizeMiB: 4, type: '83', image: fsImg, logical: true }]);
    assert.equal((await openFileSource(mbr)).image.mounts[0]!.volume.partition!.number, 5);
    // Chain the first extended boot record to a second one that names itself as the next.
    const ext = JSON.parse(sh('sfdisk', ['-J', mbr])).partitiontable.partitions[0].start as number;
    const next = Buffer.alloc(16);
    next[4] = 0x05;
    next.writeUInt32LE(1, 8);
    next.writeUInt32LE(1, 12);
    await patch(mbr, ext * 512 + 446 + 16, next);
    const second = Buffer.alloc(512);
    second[510] = 0x55;
    second[511] = 0xaa;
    const back = Buffer.alloc(16);
    back[4] = 0x05;
    back.writeUInt32LE(1, 8);
    back.writeUInt32LE(1, 12);
    back.copy(second, 446 + 16);
    await patch(mbr, (ext + 1) * 512, second);
    await rejects(mbr, 'AMW_DISK_BAD_MBR', /loops|extended boot record/);

    const pv = join(work, 'pv.img');
    await makeLvmPv(pv, 12, 'vg0', [
      { name: 'root', image: fsImg, segments: [{ startExtent: 0, count: 1, pvExtent: 0 }] },
    ]);
    const lvm = join(work, 'lvm.img');
    await makeDisk(lvm, 'gpt', [{ sizeMiB: 12, type: GPT_LINUX, name: 'pv', image: pv }]);
    assert.equal((await openFileSource(lvm)).image.mounts[0]!.volume.lv!.name, 'root');
    await patch(lvm, 1024 * 1024 + 4096 + 512 + 10, Buffer.from('#'));
    await rejects(lvm, 'AMW_DISK_BAD_LVM', /metadata text checksum/);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('ext4: extents past the end, absurd sizes and directory cycles', { skip: diskSkip }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'amw-corrupt-ext4-'));
  try {
    await rootTree(join(work, 'tree'));
    const img = join(work, 'fs.img');
    await makeExt4(join(work, 'tree'), img, { sizeMiB: 4, uuid: '0a1b2c3d-0000-4000-8000-0000000c0002' });
    // i_block words 3..5 are the first extent: logical block, length|start_hi, start_lo.
    sh('debugfs', ['-w', '-R', 'sif /etc/data block[5] 0x7fffff00', img]);
    sh('debugfs', ['-w', '-R', 'sif /etc/os-release size 0x10000000000', img]);
    sh('debugfs', ['-w', '-R', 'ln /a /a/b/up', img]);
    const src = await openFileSource(img);
    await assert.rejects(src.vfs.readFile('/etc/data'), (e: unknown) => isAmwError(e, 'AMW_FS_CORRUPT'));
    await assert.rejects(src.vfs.readFile('/etc/os-release'), (e: unknown) => isVfsError(e, 'EIO'));
    assert.equal((await src.vfs.readFile('/etc/os-release', { maxBytes: 8 })).toString(), 'ID=test\n');
    const a = await src.vfs.lstat('/a');
    assert.equal((await src.vfs.lstat('/a/b/up/b/up/b/up')).ino, a.ino);
    assert.ok((await walk(src.vfs, 10_000)) < 100, 'a walker that tracks inodes ends');
    await src.close();
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

test('XFS: a bad superblock and an extent outside the filesystem', { skip: diskSkip }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'amw-corrupt-xfs-'));
  try {
    await rootTree(join(work, 'tree'));
    const img = join(work, 'fs.img');
    await makeXfs(join(work, 'tree'), img, { sizeMiB: 16, uuid: '0a1b2c3d-0000-4000-8000-0000000c0003' });
    const broken = join(work, 'broken.img');
    await writeFile(broken, await readFile(img));
    sh('xfs_db', ['-x', '-c', 'path /etc/data', '-c', 'write u3.bmx[0].startblock 9999999', broken]);
    const src = await openFileSource(broken);
    await assert.rejects(src.vfs.readFile('/etc/data'), (e: unknown) => isAmwError(e, 'AMW_FS_CORRUPT'));
    assert.equal((await src.vfs.readFile('/etc/os-release')).toString(), 'ID=test\n');
    await src.close();
    await patch(img, 12, Buffer.from([0xff, 0xff, 0xff, 0xff])); // low half of dblocks
    await assert.rejects(openFileSource(img), (e: unknown) => {
      assert.ok(isAmwError(e, 'AMW_DISK_NO_ROOT'));
      assert.ok(isAmwError(e.cause, 'AMW_FS_CORRUPT'));
      assert.match(e.message, /XFS superblock/);
      return true;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
