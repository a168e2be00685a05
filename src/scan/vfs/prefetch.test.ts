import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DirVfs } from './dir-vfs.ts';
import { prefetchGlobs } from './prefetch.ts';
import type { ReadFileOptions, Vfs, VfsDirEntry, VfsStat } from './vfs.ts';

/** Records every operation the prefetch issues, how many run at once, and the bytes it reads. */
class RecordingVfs implements Vfs {
  readonly label = 'recording';
  readonly calls: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  dataBytes = 0;
  constructor(
    private readonly inner: Vfs,
    private readonly failReaddir = false,
  ) {}
  private async track<T>(call: string, run: () => Promise<T>): Promise<T> {
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // One turn of the event loop per call, so calls issued together are seen together.
      await new Promise((r) => setImmediate(r));
      return await run();
    } finally {
      this.inFlight--;
    }
  }
  lstat(p: string): Promise<VfsStat> {
    return this.track(`lstat ${p}`, () => this.inner.lstat(p));
  }
  stat(p: string): Promise<VfsStat> {
    return this.track(`stat ${p}`, () => this.inner.stat(p));
  }
  readdir(p: string): Promise<VfsDirEntry[]> {
    return this.track(`readdir ${p}`, () => {
      if (this.failReaddir && p !== '/') throw new Error('unreadable directory');
      return this.inner.readdir(p);
    });
  }
  readlink(p: string): Promise<string> {
    return this.track(`readlink ${p}`, () => this.inner.readlink(p));
  }
  readFile(p: string, o?: ReadFileOptions): Promise<Buffer> {
    return this.track(`readFile ${p}`, async () => {
      const b = await this.inner.readFile(p, o);
      this.dataBytes += b.length;
      return b;
    });
  }
}

function tree(): { root: string; done: () => void } {
  const base = mkdtempSync(join(tmpdir(), 'amw-prefetch-'));
  const root = join(base, 'root');
  mkdirSync(join(root, 'etc/ssh/sshd_config.d'), { recursive: true });
  writeFileSync(join(root, 'etc/ssh/sshd_config'), 'PermitRootLogin no\n');
  writeFileSync(join(root, 'etc/ssh/sshd_config.d/10.conf'), 'X11Forwarding no\n');
  writeFileSync(join(root, 'etc/ssh/moduli'), 'not declared\n');
  writeFileSync(join(root, 'etc/passwd'), 'root:x:0:0::/root:/bin/sh\n');
  symlinkSync('/etc/passwd', join(root, 'etc/passwd-link'));
  writeFileSync(join(root, 'etc/huge.conf'), Buffer.alloc(300 * 1024, 'x'));
  for (let d = 0; d < 30; d++) {
    mkdirSync(join(root, `usr/share/d${d}/sub`), { recursive: true });
    for (let f = 0; f < 20; f++) writeFileSync(join(root, `usr/share/d${d}/sub/f${f}`), `${d}.${f}\n`);
  }
  mkdirSync(join(root, 'data'));
  for (let f = 0; f < 40; f++) writeFileSync(join(root, `data/blob${f}`), Buffer.alloc(60 * 1024, f));
  mkdirSync(join(root, 'proc/1'), { recursive: true });
  writeFileSync(join(root, 'proc/1/status'), 'skipped\n');
  return { root, done: () => rmSync(base, { recursive: true, force: true }) };
}

test('prefetch visits the declared paths many at once and reads only declared, small, non-recursive files', async () => {
  const t = tree();
  try {
    const vfs = new RecordingVfs(new DirVfs(t.root));
    const stats = await prefetchGlobs(vfs, [
      '/etc/ssh/sshd_config',
      '/etc/ssh/sshd_config.d/*.conf',
      '/etc/passwd-link',
      '/etc/huge.conf',
      '/usr/share/**',
    ]);
    const reads = vfs.calls.filter((c) => c.startsWith('readFile')).sort();
    assert.deepEqual(reads, [
      'readFile /etc/passwd-link',
      'readFile /etc/ssh/sshd_config',
      'readFile /etc/ssh/sshd_config.d/10.conf',
    ]);
    // The symlink's target is stat-ed (followed) before its data is read.
    assert.ok(vfs.calls.includes('stat /etc/passwd-link'));
    // Not declared: never touched. Recursive globs cost metadata only.
    assert.ok(!vfs.calls.some((c) => c.includes('moduli') || c.startsWith('readdir /data')));
    assert.ok(!vfs.calls.some((c) => c.startsWith('readFile /usr')));
    assert.ok(vfs.calls.includes('lstat /usr/share/d29/sub/f19'));
    assert.equal(stats.errors, 0);
    assert.equal(stats.truncated, false);
    assert.equal(stats.ops, vfs.calls.length);
    assert.ok(vfs.maxInFlight > 8, `max in flight ${vfs.maxInFlight}`);
  } finally {
    t.done();
  }
});

test('a hostile glob set stays within the operation, file and byte budgets', async () => {
  const t = tree();
  try {
    const vfs = new RecordingVfs(new DirVfs(t.root));
    const stats = await prefetchGlobs(vfs, ['/**', '/*/*/*/*', '/data/*', '/**/**/*', '/*'], {
      maxOps: 150,
      maxDataFiles: 100,
      maxDataBytes: 200 * 1024,
    });
    assert.ok(vfs.calls.length <= 150, `${vfs.calls.length} operations`);
    assert.equal(stats.truncated, true);
    const vfs2 = new RecordingVfs(new DirVfs(t.root));
    const s2 = await prefetchGlobs(vfs2, ['/data/*'], { maxDataBytes: 200 * 1024, maxFileBytes: 64 * 1024 });
    assert.ok(vfs2.dataBytes <= 200 * 1024, `${vfs2.dataBytes} bytes`);
    assert.equal(s2.dataFiles, 3);
    assert.equal(s2.truncated, true);
    const vfs3 = new RecordingVfs(new DirVfs(t.root));
    await prefetchGlobs(vfs3, ['/data/*'], { maxDataFiles: 5 });
    assert.equal(vfs3.calls.filter((c) => c.startsWith('readFile')).length, 5);
  } finally {
    t.done();
  }
});

test('"**" walks leave /proc out as the tree walkers do; a literal glob below it still reaches it', async () => {
  const t = tree();
  try {
    const vfs = new RecordingVfs(new DirVfs(t.root));
    await prefetchGlobs(vfs, ['/**']);
    assert.ok(vfs.calls.includes('lstat /proc'));
    assert.ok(!vfs.calls.some((c) => c.startsWith('readdir /proc')));
    const vfs2 = new RecordingVfs(new DirVfs(t.root));
    await prefetchGlobs(vfs2, ['/**', '/proc/*/status']);
    assert.ok(vfs2.calls.includes('readFile /proc/1/status'));
  } finally {
    t.done();
  }
});

test('errors are counted, never thrown; disabled does nothing', async () => {
  const t = tree();
  try {
    const vfs = new RecordingVfs(new DirVfs(t.root), true);
    const stats = await prefetchGlobs(vfs, ['/etc/ssh/sshd_config', '/usr/**', '/missing/file']);
    assert.ok(stats.errors >= 2, `${stats.errors} errors`);
    const off = new RecordingVfs(new DirVfs(t.root));
    await prefetchGlobs(off, ['/**'], { enabled: false });
    assert.deepEqual(off.calls, []);
  } finally {
    t.done();
  }
});
