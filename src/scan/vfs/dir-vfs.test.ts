import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../../errors.ts';
import { DirVfs, wasTruncated } from './dir-vfs.ts';
import { restrictVfs } from './restricted-vfs.ts';
import { isVfsError } from './vfs.ts';
import { walkTree } from './walk.ts';

function tree(): { base: string; root: string; done: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'amw-dirvfs-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  mkdirSync(join(root, 'usr/lib'), { recursive: true });
  writeFileSync(join(base, 'host-secret'), 'HOST');
  writeFileSync(join(root, 'usr/lib/os-release'), 'ID=debian\n');
  symlinkSync('/usr/lib/os-release', join(root, 'etc/os-release'));
  symlinkSync('../usr/lib/os-release', join(root, 'etc/rel-link'));
  symlinkSync(join(base, 'host-secret'), join(root, 'etc/abs-host'));
  symlinkSync('../../../../../../host-secret', join(root, 'etc/climb'));
  symlinkSync('/usr', join(root, 'etc/usr-dir'));
  symlinkSync('loop-b', join(root, 'etc/loop-a'));
  symlinkSync('loop-a', join(root, 'etc/loop-b'));
  writeFileSync(join(root, 'etc/ssh/sshd_config'), 'PermitRootLogin no\n');
  return { base, root, done: () => rmSync(base, { recursive: true, force: true }) };
}

test('symlinks resolve inside the root: absolute, relative, through linked directories', async () => {
  const t = tree();
  try {
    const vfs = new DirVfs(t.root);
    assert.equal((await vfs.readFile('/etc/os-release')).toString(), 'ID=debian\n');
    assert.equal((await vfs.readFile('/etc/rel-link')).toString(), 'ID=debian\n');
    assert.equal((await vfs.readFile('/etc/usr-dir/lib/os-release')).toString(), 'ID=debian\n');
    assert.equal((await vfs.lstat('/etc/os-release')).type, 'symlink');
    assert.equal((await vfs.stat('/etc/os-release')).type, 'file');
    assert.equal(await vfs.readlink('/etc/os-release'), '/usr/lib/os-release');
    assert.deepEqual(
      (await vfs.readdir('/etc/usr-dir/lib')).map((e) => e.name),
      ['os-release'],
    );
  } finally {
    t.done();
  }
});

test('links aimed at the host and ".." never leave the root', async () => {
  const t = tree();
  try {
    const vfs = new DirVfs(t.root);
    for (const p of ['/etc/abs-host', '/etc/climb', '/../host-secret', '/etc/../../host-secret'])
      await assert.rejects(vfs.readFile(p), (e: unknown) => isVfsError(e, 'ENOENT'), p);
  } finally {
    t.done();
  }
});

test('symlink loops end in ELOOP, not a hang', async () => {
  const t = tree();
  try {
    const vfs = new DirVfs(t.root);
    await assert.rejects(vfs.readFile('/etc/loop-a'), (e: unknown) => isVfsError(e, 'ELOOP'));
    await assert.rejects(vfs.stat('/etc/loop-b/x'), (e: unknown) => isVfsError(e, 'ELOOP'));
  } finally {
    t.done();
  }
});

test('reads are bounded, FIFOs refused, directories are not files', async () => {
  const t = tree();
  try {
    truncateSync(join(t.root, 'etc/huge'), 0);
  } catch {
    writeFileSync(join(t.root, 'etc/huge'), '');
  }
  try {
    truncateSync(join(t.root, 'etc/huge'), 3 * 1024 * 1024 * 1024);
    spawnSync('mkfifo', [join(t.root, 'etc/fifo')]);
    const vfs = new DirVfs(t.root);
    const head = await vfs.readFile('/etc/huge', { maxBytes: 1024 });
    assert.equal(head.length, 1024);
    assert.ok(wasTruncated(head));
    assert.ok(!wasTruncated(await vfs.readFile('/etc/ssh/sshd_config')));
    await assert.rejects(vfs.readFile('/etc/fifo'), (e: unknown) => isVfsError(e, 'EINVAL'));
    await assert.rejects(vfs.readFile('/etc'), (e: unknown) => isVfsError(e, 'EISDIR'));
    await assert.rejects(vfs.readFile('/etc/ssh/sshd_config/x'), (e: unknown) => isVfsError(e, 'ENOTDIR'));
  } finally {
    t.done();
  }
});

test('the restricted Vfs allows declared globs and the directories on the way, nothing else', async () => {
  const t = tree();
  try {
    const vfs = restrictVfs(new DirVfs(t.root), { globs: ['/etc/ssh/*_config'] }, 'rule demo');
    assert.equal((await vfs.readFile('/etc/ssh/sshd_config')).toString(), 'PermitRootLogin no\n');
    assert.ok((await vfs.readdir('/etc/ssh')).length > 0);
    await vfs.lstat('/etc');
    await assert.rejects(vfs.readFile('/etc/os-release'), (e: unknown) =>
      isAmwError(e, 'AMW_SCAN_OUTSIDE_READS'),
    );
    await assert.rejects(vfs.readdir('/usr'), (e: unknown) => isAmwError(e, 'AMW_SCAN_OUTSIDE_READS'));
    await assert.rejects(vfs.readFile('/etc/ssh'), (e: unknown) => isAmwError(e, 'AMW_SCAN_OUTSIDE_READS'));
  } finally {
    t.done();
  }
});

test('the walk never follows links, visits every entry once and stops at maxEntries', async () => {
  const t = tree();
  try {
    symlinkSync('/', join(t.root, 'etc/root-link'));
    const vfs = new DirVfs(t.root);
    const seen: string[] = [];
    const s = await walkTree(vfs, '/', (e) => void seen.push(e.path));
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.includes('/etc/root-link'));
    assert.ok(!seen.some((p) => p.startsWith('/etc/root-link/')));
    assert.ok(!s.truncated);
    const capped = await walkTree(vfs, '/', () => undefined, { maxEntries: 3 });
    assert.equal(capped.entries, 3);
    assert.ok(capped.truncated);
    const missing = await walkTree(vfs, '/nope', () => undefined);
    assert.deepEqual(missing.problems, [{ path: '/nope', reason: 'ENOENT' }]);
  } finally {
    t.done();
  }
});
