import {
  readFile,
  writeFile,
  mkdir,
  open,
  chmod,
  chown,
  utimes,
  lstat,
  readdir,
  readlink,
  rm,
  symlink,
} from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { TreeSpec } from './tree-spec.ts';
import { layOutTree } from './tree-spec.ts';
import type { Vfs, FileType } from '../../src/scan/vfs/vfs.ts';

const FIXTURES = new URL('../fixtures/rootfs/', import.meta.url);
/** Files keep this mtime so ext4 images (which copy it) can be compared to the tree. */
export const FIXED_MTIME = new Date('2024-01-02T03:04:05Z');
export const SPARSE_SIZE = 8 * 1024 * 1024;
export const MANY_FILES = 2000;

/**
 * Lays out a rootfs fixture (test/fixtures/rootfs/NAME.yml) plus what exercises disk formats:
 * a directory big enough for ext4 htree and XFS node form, a medium one (XFS leaf form), a
 * sparse file (an ext4 extent tree of depth 1, double-indirect blocks on ext3), long symlinks,
 * a character device and a fifo, and large uid/gid values.
 */
export async function layOutDiskTree(base: string, root: string, fstab: string): Promise<void> {
  const spec = parse(await readFile(new URL(`${base}.yml`, FIXTURES), 'utf8')) as TreeSpec;
  await mkdir(root, { recursive: true });
  await chmod(root, 0o755);
  await layOutTree(spec, root);
  await writeFile(join(root, 'etc/fstab'), fstab);
  await mkdir(join(root, 'usr/share/many'), { recursive: true });
  for (let i = 0; i < MANY_FILES; i++)
    await writeFile(join(root, `usr/share/many/entry-${i}.conf`), `${i}\n`);
  await mkdir(join(root, 'usr/share/medium'), { recursive: true });
  for (let i = 0; i < 200; i++) await writeFile(join(root, `usr/share/medium/m${i}`), 'x'.repeat(i));
  await mkdir(join(root, 'var/lib/blobs'), { recursive: true });
  const fh = await open(join(root, 'var/lib/blobs/sparse.bin'), 'w');
  for (let i = 0; i < 40; i++) {
    const chunk = Buffer.alloc(4096, `chunk-${i}-`);
    await fh.write(chunk, 0, chunk.length, i * 200 * 1024);
  }
  // End on data: mke2fs -d with inline_data drops a trailing hole from the size.
  const tail = Buffer.alloc(4096, 'tail-');
  await fh.write(tail, 0, tail.length, SPARSE_SIZE - tail.length);
  await fh.close();
  await writeFile(
    join(root, 'var/lib/blobs/log.txt'),
    Array.from({ length: 5000 }, (_, i) => `line ${i}\n`).join(''),
  );
  const longTarget = '/usr/share/many/' + 'deep/'.repeat(20) + 'target';
  await symlink(longTarget, join(root, 'etc/long-link'));
  await symlink('loop-b', join(root, 'etc/loop-a'));
  await symlink('loop-a', join(root, 'etc/loop-b'));
  await writeFile(join(root, 'etc/big-ids'), 'owned by a large uid\n');
  await chown(join(root, 'etc/big-ids'), 100000, 200000);
  await writeFile(join(root, 'usr/bin-suid'), 'suid\n');
  await chmod(join(root, 'usr/bin-suid'), 0o4755);
  await mkdir(join(root, 'dev'), { recursive: true });
  execFileSync('mknod', ['-m', '666', join(root, 'dev/null'), 'c', '1', '3']);
  execFileSync('mkfifo', ['-m', '600', join(root, 'dev/initctl')]);
  await stampTimes(root);
}

async function stampTimes(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await stampTimes(p);
    if (!e.isSymbolicLink()) await utimes(p, FIXED_MTIME, FIXED_MTIME);
  }
  await utimes(dir, FIXED_MTIME, FIXED_MTIME);
}

/** Moves `sub` (e.g. "/var") out of `root` into `dest`, leaving an empty mount-point directory. */
export async function splitOff(root: string, sub: string, dest: string): Promise<void> {
  execFileSync('cp', ['-a', join(root, sub) + '/.', dest]);
  await rm(join(root, sub), { recursive: true });
  await mkdir(join(root, sub));
  await chmod(join(root, sub), 0o755);
}

export interface TreeNode {
  type: FileType;
  mode: number;
  uid: number;
  gid: number;
  size?: number;
  target?: string;
  sha?: string;
  mtimeSec?: number;
}

const typeOfMode = (m: number): FileType =>
  (
    ({
      0o100000: 'file',
      0o040000: 'dir',
      0o120000: 'symlink',
      0o020000: 'chardev',
      0o010000: 'fifo',
    }) as Record<number, FileType>
  )[m & 0o170000] ?? 'unknown';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Everything comparable about a host directory tree, keyed by in-image path. */
export async function describeHostTree(root: string, withMtime: boolean): Promise<Map<string, TreeNode>> {
  const out = new Map<string, TreeNode>();
  const walk = async (rel: string): Promise<void> => {
    const p = join(root, rel);
    const st = await lstat(p);
    const type = typeOfMode(st.mode);
    const node: TreeNode = { type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
    if (type === 'file') {
      node.size = st.size;
      node.sha = sha(await readFile(p));
    }
    if (type === 'symlink') node.target = await readlink(p);
    // mke2fs -d stamps the root directory with the build time.
    if (withMtime && type !== 'symlink' && rel !== '') node.mtimeSec = Math.floor(st.mtimeMs / 1000);
    out.set(rel || '/', node);
    if (type === 'dir') {
      for (const name of (await readdir(p)).sort()) {
        if (name !== 'lost+found') await walk(`${rel}/${name}`);
      }
    }
  };
  await walk('');
  return out;
}

/** The same description read through a Vfs. */
export async function describeVfsTree(vfs: Vfs, withMtime: boolean): Promise<Map<string, TreeNode>> {
  const out = new Map<string, TreeNode>();
  const walk = async (path: string): Promise<void> => {
    const st = await vfs.lstat(path);
    const node: TreeNode = { type: st.type, mode: st.mode, uid: st.uid, gid: st.gid };
    if (st.type === 'file') {
      node.size = st.size;
      node.sha = sha(await vfs.readFile(path));
    }
    if (st.type === 'symlink') node.target = await vfs.readlink(path);
    if (withMtime && st.type !== 'symlink' && path !== '/') node.mtimeSec = Math.floor(st.mtimeMs / 1000);
    out.set(path, node);
    if (st.type === 'dir') {
      const names = (await vfs.readdir(path)).map((e) => e.name).sort();
      for (const name of names) {
        if (name !== 'lost+found') await walk(path === '/' ? `/${name}` : `${path}/${name}`);
      }
    }
  };
  await walk('/');
  return out;
}
