import { constants, lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { open, stat as hostStat } from 'node:fs/promises';
import type { Dirent, Stats } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { AmwError } from '../../errors.ts';
import { VfsError, normalizeImagePath } from './vfs.ts';
import type { FileType, ReadFileOptions, Vfs, VfsDirEntry, VfsErrorCode, VfsStat } from './vfs.ts';

/** Same limit as the Linux kernel: more symlink hops than this is a loop. */
const MAX_HOPS = 40;
/** readFile without maxBytes stops here, so a 2 GiB file cannot exhaust memory. */
export const DEFAULT_MAX_READ = 64 * 1024 * 1024;
const DIR_CACHE_LIMIT = 100_000;

// Metadata calls are synchronous on purpose: a local lstat takes microseconds, while a trip through
// the libuv thread pool costs several times that and dominates whole-tree walks. File data stays async.
const lstat = async (p: string): Promise<Stats> => lstatSync(p);
const readlink = async (p: string): Promise<string> => readlinkSync(p);
const readdir = async (p: string): Promise<Dirent[]> => readdirSync(p, { withFileTypes: true });

/** A Buffer that readFile cut short at maxBytes. */
export type MaybeTruncated = Buffer & { truncated?: boolean };
export const wasTruncated = (buf: Buffer): boolean => (buf as MaybeTruncated).truncated === true;

function typeOf(s: Stats | Dirent): FileType {
  if (s.isFile()) return 'file';
  if (s.isDirectory()) return 'dir';
  if (s.isSymbolicLink()) return 'symlink';
  if (s.isCharacterDevice()) return 'chardev';
  if (s.isBlockDevice()) return 'blockdev';
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  return 'unknown';
}

function toVfsStat(s: Stats): VfsStat {
  return {
    type: typeOf(s),
    mode: s.mode & 0o7777,
    uid: s.uid,
    gid: s.gid,
    size: s.size,
    mtimeMs: s.mtimeMs,
    nlink: s.nlink,
    ino: s.ino,
  };
}

const KNOWN_CODES = new Set<VfsErrorCode>(['ENOENT', 'ENOTDIR', 'EISDIR', 'ELOOP', 'EACCES', 'EINVAL']);

function mapError(err: unknown, path: string): VfsError {
  const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
  const mapped: VfsErrorCode =
    code === 'EPERM' ? 'EACCES' : KNOWN_CODES.has(code as VfsErrorCode) ? (code as VfsErrorCode) : 'EIO';
  return new VfsError(mapped, path, `${mapped}: ${path}`);
}

/**
 * A directory on the host seen as an image root. Every path is resolved component by component
 * inside the root (absolute symlink targets restart at the image root, ".." stops at it), the
 * way openat2(RESOLVE_IN_ROOT) would, so nothing outside the root is ever touched. Read-only:
 * files are opened O_RDONLY|O_NOFOLLOW|O_NONBLOCK and only regular files are read.
 */
export class DirVfs implements Vfs {
  readonly label: string;
  readonly root: string;
  /** in-image directory path -> its symlink-free in-image path */
  private readonly dirCache = new Map<string, string>();

  constructor(root: string) {
    this.root = resolve(root);
    this.label = `dir:${this.root}`;
  }

  private host(canonical: string): string {
    return canonical === '/' ? this.root : this.root + canonical;
  }

  /** Resolves every component of `path` (all of them when follow, all but the last otherwise). */
  private async resolvePath(path: string, follow: boolean): Promise<string> {
    const norm = normalizeImagePath(path);
    if (norm === '/') return '/';
    const cut = norm.lastIndexOf('/');
    const parent = await this.resolveDir(norm.slice(0, cut) || '/', { hops: 0 }, norm);
    const last = norm.slice(cut + 1);
    const candidate = parent === '/' ? `/${last}` : `${parent}/${last}`;
    if (!follow) return candidate;
    return this.follow(candidate, { hops: 0 }, norm);
  }

  private async follow(canonicalCandidate: string, budget: { hops: number }, orig: string): Promise<string> {
    let current = canonicalCandidate;
    for (;;) {
      let st: Stats;
      try {
        st = await lstat(this.host(current));
      } catch (err) {
        throw mapError(err, orig);
      }
      if (!st.isSymbolicLink()) return current;
      if (++budget.hops > MAX_HOPS) throw new VfsError('ELOOP', orig, `ELOOP: too many symlinks: ${orig}`);
      const target = await readlink(this.host(current)).catch((err: unknown) => {
        throw mapError(err, orig);
      });
      const base = current.slice(0, current.lastIndexOf('/')) || '/';
      const joined = isAbsolute(target) ? normalizeImagePath(target) : normalizeImagePath(base, target);
      // The target's own parents may be symlinks too: resolve them inside the root as well.
      if (joined === '/') return '/';
      const cut = joined.lastIndexOf('/');
      const parent = await this.resolveDir(joined.slice(0, cut) || '/', budget, orig);
      current = parent === '/' ? `/${joined.slice(cut + 1)}` : `${parent}/${joined.slice(cut + 1)}`;
    }
  }

  /** The symlink-free path of directory `dir`; throws ENOTDIR when it resolves to a non-directory. */
  private async resolveDir(dir: string, budget: { hops: number }, orig: string): Promise<string> {
    if (dir === '/') return '/';
    const cached = this.dirCache.get(dir);
    if (cached !== undefined) return cached;
    const cut = dir.lastIndexOf('/');
    const parent = await this.resolveDir(dir.slice(0, cut) || '/', budget, orig);
    const candidate = parent === '/' ? `/${dir.slice(cut + 1)}` : `${parent}/${dir.slice(cut + 1)}`;
    const real = await this.follow(candidate, budget, orig);
    const st = await lstat(this.host(real)).catch((err: unknown) => {
      throw mapError(err, orig);
    });
    if (!st.isDirectory()) throw new VfsError('ENOTDIR', orig, `ENOTDIR: ${orig}`);
    if (this.dirCache.size >= DIR_CACHE_LIMIT) this.dirCache.clear();
    this.dirCache.set(dir, real);
    return real;
  }

  async lstat(path: string): Promise<VfsStat> {
    const real = await this.resolvePath(path, false);
    try {
      return toVfsStat(await lstat(this.host(real)));
    } catch (err) {
      throw mapError(err, path);
    }
  }

  async stat(path: string): Promise<VfsStat> {
    const real = await this.resolvePath(path, true);
    try {
      return toVfsStat(await lstat(this.host(real)));
    } catch (err) {
      throw mapError(err, path);
    }
  }

  async readdir(path: string): Promise<VfsDirEntry[]> {
    const real = await this.resolveDir(normalizeImagePath(path), { hops: 0 }, path);
    try {
      const entries = await readdir(this.host(real));
      return entries.map((e) => ({ name: e.name, type: typeOf(e) }));
    } catch (err) {
      throw mapError(err, path);
    }
  }

  async readlink(path: string): Promise<string> {
    const real = await this.resolvePath(path, false);
    try {
      return await readlink(this.host(real));
    } catch (err) {
      throw mapError(err, path);
    }
  }

  async readFile(path: string, options: ReadFileOptions = {}): Promise<Buffer> {
    const real = await this.resolvePath(path, true);
    const limit = options.maxBytes ?? DEFAULT_MAX_READ;
    let fh;
    try {
      // O_NONBLOCK: a FIFO planted in the image must not hang the scan; it is refused below.
      fh = await open(this.host(real), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      throw mapError(err, path);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new VfsError('EISDIR', path);
      if (!st.isFile()) throw new VfsError('EINVAL', path, `EINVAL: not a regular file: ${path}`);
      const want = Math.min(st.size, limit);
      const buf = Buffer.alloc(want) as MaybeTruncated;
      let got = 0;
      while (got < want) {
        const { bytesRead } = await fh.read(buf, got, want - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      const out = (got < want ? buf.subarray(0, got) : buf) as MaybeTruncated;
      if (st.size > limit) out.truncated = true;
      return out;
    } catch (err) {
      throw err instanceof VfsError ? err : mapError(err, path);
    } finally {
      await fh.close();
    }
  }
}

/** Opens `dir:PATH` or a plain PATH as a DirVfs after checking it is a directory. */
export async function openDirVfs(root: string): Promise<DirVfs> {
  const st = await hostStat(root).catch((err: unknown) => {
    throw new AmwError('AMW_SCAN_SOURCE', `cannot open scan source ${root}: ${(err as Error).message}`, {
      cause: err,
    });
  });
  if (!st.isDirectory()) throw new AmwError('AMW_SCAN_SOURCE', `scan source ${root} is not a directory`);
  return new DirVfs(root);
}
