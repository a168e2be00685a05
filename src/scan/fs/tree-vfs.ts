import type { ReadFileOptions, Vfs, VfsDirEntry, VfsStat } from '../vfs/vfs.ts';
import { VfsError, normalizeImagePath } from '../vfs/vfs.ts';
import type { InodeDirEntry, InodeFs } from './inode-fs.ts';
import type { PrefetchOptions, PrefetchStats } from '../vfs/prefetch.ts';
import { PREFETCH_DEFAULTS, prefetchGlobs } from '../vfs/prefetch.ts';

/** A filesystem placed at a path of the combined tree ("/" for the root filesystem). */
export interface Mount {
  readonly path: string;
  readonly fs: InodeFs;
}

interface Node {
  readonly mount: number;
  readonly ino: number;
}

/**
 * How `fs` reads its in-use inode tables ahead, when it can and the read-ahead options let it (the
 * XFS inode-chunk walk has a switch of its own); undefined otherwise.
 */
export function inodeTableReader(
  fs: InodeFs,
  o: { readonly xfsInodeChunks: boolean },
): InodeFs['prefetchInodeTables'] {
  return fs.kind === 'xfs' && !o.xfsInodeChunks ? undefined : fs.prefetchInodeTables?.bind(fs);
}

const MAX_SYMLINK_HOPS = 40;
/** Whole-file reads without maxBytes stop here; bigger files need an explicit maxBytes. */
export const DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024;
/** Each mounted filesystem's inode numbers are shifted into their own range. */
const INO_SPAN = 2 ** 44;
const DIR_CACHE_SIZE = 256;

/**
 * The Vfs over one or more inode-level filesystems: walks paths, follows symlinks inside the
 * image root, crosses mount points. Directory listings are cached (bounded) so repeated lookups
 * under /etc cost no further reads.
 */
export class TreeVfs implements Vfs {
  private readonly mounts: Mount[];
  private readonly dirCache = new Map<string, Promise<Map<string, InodeDirEntry>>>();

  /** What the last prefetch did (for benchmarks and tests). */
  lastPrefetch: PrefetchStats | undefined;

  constructor(
    readonly label: string,
    mounts: Mount[],
    private readonly prefetchOptions: PrefetchOptions = {},
  ) {
    this.mounts = [...mounts];
    if (!this.mounts.some((m) => m.path === '/')) throw new Error('TreeVfs needs a mount at /');
  }

  async lstat(path: string): Promise<VfsStat> {
    const { node, path: p } = await this.resolve(path, false);
    return this.statNode(node, p);
  }

  async stat(path: string): Promise<VfsStat> {
    const { node, path: p } = await this.resolve(path, true);
    return this.statNode(node, p);
  }

  async readdir(path: string): Promise<VfsDirEntry[]> {
    const { node, path: p } = await this.resolve(path, true);
    const st = await this.statNode(node, p);
    if (st.type !== 'dir') throw new VfsError('ENOTDIR', p);
    const entries = await this.listing(node);
    const out: VfsDirEntry[] = [];
    for (const e of entries.values()) out.push({ name: e.name, type: e.type });
    // A directory that hides a mount point still shows it, as the kernel would.
    for (const m of this.mounts) {
      if (m.path === '/' || parentOf(m.path) !== p) continue;
      const name = m.path.slice(m.path.lastIndexOf('/') + 1);
      if (!entries.has(name)) out.push({ name, type: 'dir' });
    }
    return out;
  }

  async readlink(path: string): Promise<string> {
    const { node, path: p } = await this.resolve(path, false);
    const st = await this.statNode(node, p);
    if (st.type !== 'symlink') throw new VfsError('EINVAL', p, `not a symlink: ${p}`);
    return this.fsOf(node).readLink(node.ino);
  }

  async readFile(path: string, options: ReadFileOptions = {}): Promise<Buffer> {
    const { node, path: p } = await this.resolve(path, true);
    const st = await this.statNode(node, p);
    if (st.type === 'dir') throw new VfsError('EISDIR', p);
    if (st.type !== 'file') throw new VfsError('EINVAL', p, `not a regular file: ${p}`);
    const limit = options.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (options.maxBytes === undefined && st.size > limit) {
      throw new VfsError('EIO', p, `${p}: ${st.size} bytes is more than a whole read allows; pass maxBytes`);
    }
    return this.fsOf(node).readData(node.ino, Math.min(limit, st.size));
  }

  async close(): Promise<void> {
    this.dirCache.clear();
  }

  /**
   * Visits what the checks declared with many reads in flight (see prefetchGlobs), crossing mount
   * points like any lookup. A filesystem that a `**` glob will walk whole also reads its in-use
   * inode tables ahead, all groups at once, instead of one inode block per lookup. Never throws.
   */
  async prefetch(globs: readonly string[]): Promise<void> {
    const o = { ...PREFETCH_DEFAULTS, ...this.prefetchOptions };
    if (!o.enabled) return;
    const whole = this.mounts.filter((m) => globs.some((g) => walksWhole(g, m.path)));
    const perFs = Math.floor(o.maxInodeTableBytes / Math.max(1, whole.length));
    const reader = (fs: InodeFs) => inodeTableReader(fs, o);
    const tables = whole.map((m) => reader(m.fs)?.(perFs).catch(() => 0));
    // When every filesystem reads its inodes and directories ahead from its tables, walking the
    // `**` globs as well would only fetch the same blocks again, through thousands of lookups.
    const tabled = whole.filter((m) => reader(m.fs) !== undefined).length;
    const walk = tabled === this.mounts.length ? globs.filter((g) => !g.includes('**')) : globs;
    const [stats] = await Promise.all([prefetchGlobs(this, walk, o), ...tables]);
    this.lastPrefetch = stats;
  }

  private fsOf(node: Node): InodeFs {
    return this.mounts[node.mount]!.fs;
  }

  private async statNode(node: Node, _path: string): Promise<VfsStat> {
    const st = await this.fsOf(node).stat(node.ino);
    return node.mount === 0 ? st : { ...st, ino: node.mount * INO_SPAN + (st.ino % INO_SPAN) };
  }

  private mountAt(path: string): number {
    return this.mounts.findIndex((m) => m.path === path);
  }

  private listing(node: Node): Promise<Map<string, InodeDirEntry>> {
    const key = `${node.mount}:${node.ino}`;
    const hit = this.dirCache.get(key);
    if (hit) {
      // Least recently used goes first: a directory every lookup passes through stays.
      this.dirCache.delete(key);
      this.dirCache.set(key, hit);
      return hit;
    }
    // The promise is cached, so many lookups under one directory at once list it once.
    const p = this.fsOf(node)
      .listDir(node.ino)
      .then((entries) => {
        const map = new Map<string, InodeDirEntry>();
        for (const e of entries) {
          if (e.name !== '.' && e.name !== '..' && !map.has(e.name)) map.set(e.name, e);
        }
        return map;
      });
    p.catch(() => this.dirCache.delete(key));
    this.dirCache.set(key, p);
    if (this.dirCache.size > DIR_CACHE_SIZE) {
      const oldest = this.dirCache.keys().next().value;
      if (oldest !== undefined) this.dirCache.delete(oldest);
    }
    return p;
  }

  /**
   * Walks `path` from the root. A symlink met on the way (or at the end, when `follow`) is
   * spliced into the remaining path, which is normalised again, so ".." never leaves the image.
   */
  private async resolve(path: string, follow: boolean): Promise<{ node: Node; path: string }> {
    let parts = splitPath(normalizeImagePath(path));
    let hops = 0;
    restart: for (;;) {
      const rootMount = this.mountAt('/');
      let node: Node = { mount: rootMount, ino: this.mounts[rootMount]!.fs.rootIno };
      let here = '/';
      for (let i = 0; i < parts.length; i++) {
        const name = parts[i]!;
        const st = await this.statNode(node, here);
        if (st.type !== 'dir') throw new VfsError('ENOTDIR', here);
        const childPath = here === '/' ? `/${name}` : `${here}/${name}`;
        const mounted = this.mountAt(childPath);
        let child: Node;
        if (mounted >= 0) {
          child = { mount: mounted, ino: this.mounts[mounted]!.fs.rootIno };
        } else {
          const entry = (await this.listing(node)).get(name);
          if (!entry) throw new VfsError('ENOENT', childPath);
          child = { mount: node.mount, ino: entry.ino };
        }
        const last = i === parts.length - 1;
        if (!last || follow) {
          const cst = await this.statNode(child, childPath);
          if (cst.type === 'symlink') {
            if (++hops > MAX_SYMLINK_HOPS) throw new VfsError('ELOOP', childPath);
            const target = await this.fsOf(child).readLink(child.ino);
            const base = target.startsWith('/') ? '/' : here;
            parts = splitPath(normalizeImagePath(base, target, ...parts.slice(i + 1)));
            continue restart;
          }
        }
        node = child;
        here = childPath;
      }
      return { node, path: here };
    }
  }
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

/** True when `glob` is "<dir>/**" with a plain <dir> at or above `mountPath`: the walk covers that filesystem. */
function walksWhole(glob: string, mountPath: string): boolean {
  if (!glob.endsWith('/**')) return false;
  const base = glob.slice(0, -3) || '/';
  if (/[*?]/.test(base)) return false;
  return base === '/' || mountPath === base || mountPath.startsWith(base + '/');
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
