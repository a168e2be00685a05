import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../../errors.ts';
import { buildContentTree, requireTool, selectTree } from './content-tree.ts';

const PATH = `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`;
const missing = ['mke2fs', 'debugfs', 'sfdisk'].find(
  (t) => spawnSync('sh', ['-c', `command -v ${t}`], { env: { ...process.env, PATH } }).status !== 0,
);
const skip = missing ? `${missing} is not installed (scripts/install-system-deps.sh)` : false;

const TREE = `
files:
  /etc/os-release: "ID=debian\\nVERSION_ID=\\"12\\"\\n"
  /etc/shadow: "root:*:19700:0:99999:7:::\\n"
  /var/lib/app/state: "x\\n"
  /home/big/file: "owned by a large uid\\n"
  /usr/bin/tool: "#!/bin/sh\\n"
meta:
  /etc/shadow: { mode: '0640', gid: 42 }
  /tmp: { mode: '1777' }
  /usr/bin/tool: { mode: '4755' }
  /home/big/file: { uid: 100000, gid: 200000 }
links:
  /etc/mtab: ../proc/self/mounts
dirs: [/tmp, /usr/bin]
`;

const debugfsStat = (image: string, path: string): string =>
  execFileSync('debugfs', ['-R', `stat ${path}`, image], {
    env: { ...process.env, PATH },
    stdio: 'pipe',
  }).toString();

test('selectTree keeps a subtree as the root, or leaves omitted directories empty', () => {
  const spec = {
    files: { '/etc/fstab': 'x', '/var/log/a': 'y', '/var/lib/b': 'z' },
    meta: { '/var': { mode: '0755' }, '/var/log': { mode: '0750' } },
    dirs: ['/var/tmp', '/tmp'],
  };
  assert.deepEqual(selectTree(spec, '/var'), {
    files: { '/log/a': 'y', '/lib/b': 'z' },
    links: {},
    meta: { '/': { mode: '0755' }, '/log': { mode: '0750' } },
    dirs: ['/tmp'],
  });
  assert.deepEqual(selectTree(spec, undefined, ['/var']), {
    files: { '/etc/fstab': 'x' },
    links: {},
    meta: { '/var': { mode: '0755' } },
    dirs: ['/tmp', '/var'],
  });
});

test('a missing tool names its Debian package', () => {
  assert.throws(
    () => requireTool('mke2fs', 'snapshot snap-1 contentTree', '/nonexistent'),
    (err: unknown) =>
      isAmwError(err) &&
      err.code === 'AMW_SEED_CONTENT' &&
      /mke2fs is not installed \(Debian package e2fsprogs/.test(err.message),
  );
  assert.throws(() => requireTool('mkfs.xfs', 'x', '/nonexistent'), /Debian package xfsprogs/);
});

test(
  'a tree becomes an ext4 image with the spec modes and owners, cached by its inputs',
  { skip },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amw-ctree-'));
    try {
      await writeFile(join(dir, 'tree.yml'), TREE);
      const cache = join(dir, 'cache');
      const bare = await buildContentTree(
        { trees: ['tree.yml'], partitionTable: 'none', sizeMiB: 16 },
        dir,
        'x',
        cache,
      );
      execFileSync('e2fsck', ['-fn', bare], { env: { ...process.env, PATH }, stdio: 'pipe' });
      assert.match(debugfsStat(bare, '/etc/shadow'), /Mode: +0640[\s\S]*User: +0 +Group: +42/);
      assert.match(debugfsStat(bare, '/tmp'), /Type: directory +Mode: +01777/);
      assert.match(debugfsStat(bare, '/usr/bin/tool'), /Type: regular +Mode: +04755/);
      assert.match(debugfsStat(bare, '/home/big/file'), /User: +100000 +Group: +200000/);
      assert.match(
        debugfsStat(bare, '/etc/mtab'),
        /Type: symlink[\s\S]*Fast link dest: "..\/proc\/self\/mounts"/,
      );

      // The same inputs are not built again; another option is another image.
      const before = (await stat(bare)).mtimeMs;
      assert.equal(
        await buildContentTree({ trees: ['tree.yml'], partitionTable: 'none', sizeMiB: 16 }, dir, 'x', cache),
        bare,
      );
      assert.equal((await stat(bare)).mtimeMs, before);
      const gpt = await buildContentTree(
        { trees: ['tree.yml'], sizeMiB: 16, label: 'root' },
        dir,
        'x',
        cache,
      );
      assert.notEqual(gpt, bare);
      const table = JSON.parse(
        execFileSync('sfdisk', ['-J', gpt], { env: { ...process.env, PATH } }).toString(),
      ) as {
        partitiontable: { label: string; partitions: { start: number; size: number }[] };
      };
      assert.equal(table.partitiontable.label, 'gpt');
      assert.deepEqual(
        table.partitiontable.partitions.map((p) => [p.start, p.size]),
        [[2048, 16 * 2048]],
      );

      // A subtree is the filesystem's root.
      const varfs = await buildContentTree(
        { trees: ['tree.yml'], subtree: '/var', partitionTable: 'none', sizeMiB: 8 },
        dir,
        'x',
        cache,
      );
      assert.match(debugfsStat(varfs, '/lib/app/state'), /Type: regular/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);

const xfsSkip = spawnSync('sh', ['-c', 'command -v mkfs.xfs && command -v xfs_db'], {
  env: { ...process.env, PATH },
}).status
  ? 'xfsprogs is not installed (scripts/install-system-deps.sh)'
  : false;

test('an XFS image carries the same modes and owners through its protofile', { skip: xfsSkip }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amw-ctree-'));
  try {
    await writeFile(join(dir, 'tree.yml'), TREE);
    const image = await buildContentTree(
      { trees: ['tree.yml'], fs: 'xfs', partitionTable: 'none' },
      dir,
      'x',
      join(dir, 'cache'),
    );
    const core = (path: string): string =>
      execFileSync('xfs_db', ['-r', '-c', `path ${path}`, '-c', 'print core.mode core.uid core.gid', image], {
        env: { ...process.env, PATH },
      }).toString();
    assert.match(core('/etc/shadow'), /core.mode = 0100640\ncore.uid = 0\ncore.gid = 42/);
    assert.match(core('/tmp'), /core.mode = 041777/);
    assert.match(core('/usr/bin/tool'), /core.mode = 0104755/);
    assert.match(core('/home/big/file'), /core.uid = 100000\ncore.gid = 200000/);
    assert.match(core('/etc/mtab'), /core.mode = 0120777/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a broken tree file is a seed error naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amw-ctree-'));
  try {
    await writeFile(join(dir, 'bad.yml'), 'files:\n  /etc/x: 1\nextra: true\n');
    await assert.rejects(
      buildContentTree({ trees: ['bad.yml'] }, dir, 'x', join(dir, 'cache')),
      (err: unknown) => isAmwError(err) && err.code === 'AMW_SEED_INVALID' && err.message.includes('tree'),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
