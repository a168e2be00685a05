import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chown, chmod, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExt4 } from '../helpers/disk-images.ts';
import { diskSkip } from '../helpers/variant-check.ts';
import { FileBlockDevice } from '../../src/scan/disk/block-device.ts';
import { Ext4Fs } from '../../src/scan/fs/ext4/ext4-fs.ts';
import { XfsFs } from '../../src/scan/fs/xfs/xfs-fs.ts';
import { TreeVfs } from '../../src/scan/fs/tree-vfs.ts';

const env = {
  ...process.env,
  PATH: `${process.env['PATH']}:/usr/sbin`,
  TEST_DIR: '1',
  TEST_DEV: '1',
  QA_CHECK_FS: '1',
};
const sh = (cmd: string, args: string[], input?: string): string =>
  execFileSync(cmd, args, { env, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();

const field = (text: string, re: RegExp): string => {
  const m = re.exec(text);
  assert.ok(m, `oracle output lacks ${re}: ${text.slice(0, 300)}`);
  return m[1]!;
};

test('ext4 agrees with debugfs and dumpe2fs', { skip: diskSkip }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'amw-oracle-ext4-'));
  try {
    const tree = join(work, 'tree');
    await mkdir(join(tree, 'etc/many'), { recursive: true });
    await writeFile(join(tree, 'etc/shadow'), 'root:*:19000:0:99999:7:::\n');
    await chmod(join(tree, 'etc/shadow'), 0o640);
    await chown(join(tree, 'etc/shadow'), 0, 42);
    for (let i = 0; i < 400; i++) await writeFile(join(tree, `etc/many/f${i}`), `${i}`);
    const sparse = await open(join(tree, 'etc/sparse'), 'w');
    for (let i = 0; i < 20; i++) await sparse.write(Buffer.alloc(100, `c${i}`), 0, 100, i * 65536);
    await sparse.close();
    const img = join(work, 'fs.img');
    await makeExt4(tree, img, {
      sizeMiB: 32,
      uuid: '11111111-2222-4333-8444-555555555555',
      label: 'oracle',
      index: true,
    });
    const dev = await FileBlockDevice.open(img);
    try {
      const fs = await Ext4Fs.open(dev);
      const vfs = new TreeVfs('t', [{ path: '/', fs }]);
      const st = await vfs.stat('/etc/shadow');
      const dbg = sh('debugfs', ['-R', 'stat /etc/shadow', img]);
      assert.equal(st.ino, Number(field(dbg, /Inode:\s+(\d+)/)));
      assert.equal(st.mode, parseInt(field(dbg, /Mode:\s+(\d+)/), 8));
      assert.equal(st.uid, Number(field(dbg, /User:\s+(\d+)/)));
      assert.equal(st.gid, Number(field(dbg, /Group:\s+(\d+)/)));
      assert.equal(st.size, Number(field(dbg, /Size:\s+(\d+)/)));
      assert.equal(st.nlink, Number(field(dbg, /Links:\s+(\d+)/)));
      assert.equal(Math.floor(st.mtimeMs / 1000), parseInt(field(dbg, /mtime: 0x([0-9a-f]+)/), 16));
      const hdr = sh('dumpe2fs', ['-h', img]);
      assert.equal(fs.sb.blocksCount, Number(field(hdr, /Block count:\s+(\d+)/)));
      assert.equal(fs.sb.inodesCount, Number(field(hdr, /Inode count:\s+(\d+)/)));
      assert.equal(fs.sb.blockSize, Number(field(hdr, /Block size:\s+(\d+)/)));
      assert.equal(fs.sb.inodesPerGroup, Number(field(hdr, /Inodes per group:\s+(\d+)/)));
      assert.equal(fs.sb.inodeSize, Number(field(hdr, /Inode size:\s+(\d+)/)));
      assert.equal(fs.uuid, field(hdr, /Filesystem UUID:\s+(\S+)/));
      assert.equal(fs.volumeLabel, field(hdr, /Filesystem volume name:\s+(\S+)/));
      assert.match(sh('debugfs', ['-R', 'htree /etc/many', img]), /Root node dump/);
      // 20 separate extents cannot sit in the inode: the tree has a level of index nodes.
      assert.match(sh('debugfs', ['-R', 'ex /etc/sparse', img]), /^\s*0\/\s*1\s/m);
      const want = await readFile(join(tree, 'etc/sparse'));
      assert.ok((await vfs.readFile('/etc/sparse')).equals(want), 'extent tree of depth 1');
      const names = (await vfs.readdir('/etc/many')).map((e) => e.name).sort();
      assert.equal(names.length, 400);
      assert.equal((await vfs.readFile('/etc/many/f399')).toString(), '399');
    } finally {
      await dev.close();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});

/** Longer than an inode's data fork: XFS keeps it in a remote symlink block. */
const LONG_TARGET = '/usr/' + 'a-long-directory-name/'.repeat(30) + 'end';

/**
 * mkfs.xfs 6.1 writes a protofile's remote symlink as bare text, without the v5 block header the
 * kernel writes (xfs_db then reports a CRC error). Put the header in front, as the kernel lays it out.
 */
async function addSymlinkHeader(img: string, db: (...cmds: string[]) => string): Promise<void> {
  const ino = Number(field(db('path /etc/remote-link', 'inode'), /current inode number is (\d+)/));
  const fsb = Number(field(db('path /etc/remote-link', 'bmap'), /startblock (\d+)/));
  const at = Number(field(db(`convert fsblock ${fsb} byte`), /\((\d+)\)/));
  const block = Buffer.alloc(4096);
  block.writeUInt32BE(0x58534c4d, 0);
  block.writeUInt32BE(0, 4);
  block.writeUInt32BE(Buffer.byteLength(LONG_TARGET), 8);
  block.writeBigUInt64BE(BigInt(ino), 32);
  block.write(LONG_TARGET, 56);
  const fh = await open(img, 'r+');
  await fh.write(block, 0, 56 + Buffer.byteLength(LONG_TARGET), at);
  await fh.close();
}

/** A protofile whose directories take each XFS directory form; one source file serves every entry. */
function xfsProto(src: string): string {
  const files = (prefix: string, n: number): string[] =>
    Array.from({ length: n }, (_, i) => `${prefix}${i} ---644 0 0 ${src}`);
  return [
    '/boot-image',
    '0 0',
    'd--755 0 0',
    'etc d--755 0 0',
    `shadow ---640 0 42 ${src}`,
    'os-release l--777 0 0 ../usr/lib/os-release',
    `remote-link l--777 0 0 ${LONG_TARGET}`,
    '$',
    'sf d--755 0 0',
    ...files('s', 3),
    '$',
    'blk d--755 0 0',
    ...files('block-entry-', 40),
    '$',
    'leaf d--755 0 0',
    ...files('leaf-directory-entry-', 300),
    '$',
    'node d--700 1000 1000',
    ...files('node-directory-entry-with-a-long-name-', 2000),
    '$',
    '$',
    '',
  ].join('\n');
}

for (const sector of [512, 4096] as const) {
  test(
    `XFS (${sector}-byte sectors) agrees with xfs_db in every directory form`,
    { skip: diskSkip },
    async () => {
      const work = await mkdtemp(join(tmpdir(), 'amw-oracle-xfs-'));
      try {
        const src = join(work, 'content');
        await writeFile(src, 'root:*:19000:0:99999:7:::\n');
        await writeFile(join(work, 'proto'), xfsProto(src));
        const img = join(work, 'fs.img');
        sh('truncate', ['-s', '128M', img]);
        sh('mkfs.xfs', ['-f', '-q', '-s', `size=${sector}`, '-L', 'oracle', '-p', join(work, 'proto'), img]);
        const db = (...cmds: string[]): string =>
          sh('xfs_db', ['-r', ...cmds.flatMap((c) => ['-c', c]), img]);
        await addSymlinkHeader(img, db);
        const dev = await FileBlockDevice.open(img);
        try {
          const fs = await XfsFs.open(dev);
          const vfs = new TreeVfs('t', [{ path: '/', fs }]);
          const sb = db('sb 0', 'p rootino agcount agblocks sectsize uuid');
          assert.equal(fs.rootIno, Number(field(sb, /rootino = (\d+)/)));
          assert.equal(fs.sb.agCount, Number(field(sb, /agcount = (\d+)/)));
          assert.equal(fs.sb.agBlocks, Number(field(sb, /agblocks = (\d+)/)));
          assert.equal(fs.sb.sectorSize, sector);
          assert.equal(fs.uuid, field(sb, /uuid = (\S+)/));
          const formats: Record<string, string> = {};
          for (const dir of ['sf', 'blk', 'leaf', 'node']) {
            formats[dir] = field(db(`path /${dir}`, 'p core.format'), /core.format = \d+ \((\w+)\)/);
            const listing = db(`path /${dir}`, 'ls');
            const want = [
              ...listing.matchAll(/^\s*\d+\s+(\d+)\s+\S+\s+0x[0-9a-f]+\s+\d+\s+(\S+) \(good\)$/gm),
            ]
              .map((m) => `${m[2]}=${m[1]}`)
              .filter((s) => !s.startsWith('.=') && !s.startsWith('..='))
              .sort();
            const ino = (await vfs.lstat(`/${dir}`)).ino;
            const got = (await fs.listDir(ino)).map((e) => `${e.name}=${e.ino}`).sort();
            assert.deepEqual(got, want, `listing of /${dir}`);
          }
          // The four forms, and the big directory's extents in a B+tree.
          assert.deepEqual(formats, { sf: 'local', blk: 'extents', leaf: 'extents', node: 'btree' });
          assert.equal(
            field(db('path /etc/remote-link', 'p core.format'), /core.format = \d+ \((\w+)\)/),
            'extents',
          );
          assert.equal(await vfs.readlink('/etc/remote-link'), LONG_TARGET);
          const node = await vfs.stat('/node');
          assert.deepEqual([node.mode, node.uid, node.gid], [0o700, 1000, 1000]);
          const ino = db('path /etc/shadow', 'p core.mode core.uid core.gid core.size');
          const st = await vfs.stat('/etc/shadow');
          assert.equal(st.mode, parseInt(field(ino, /core.mode = (\d+)/), 8) & 0o7777);
          assert.equal(st.gid, Number(field(ino, /core.gid = (\d+)/)));
          assert.equal(st.size, Number(field(ino, /core.size = (\d+)/)));
          assert.equal(
            (await vfs.readFile('/node/node-directory-entry-with-a-long-name-1999')).toString(),
            'root:*:19000:0:99999:7:::\n',
          );
        } finally {
          await dev.close();
        }
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  );
}
