import type { Static } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { globMatch, globMayMatchBelow } from '../checks/glob.ts';
import { DEFAULT_SKIP_DIRS } from './walk.ts';
import type { Vfs, VfsStat } from './vfs.ts';

export const PrefetchOptionsSchema = Type.Object(
  {
    /** Off: prefetch returns at once (the checks then read on demand, one lookup after another). */
    enabled: Type.Optional(Type.Boolean()),
    /** Vfs operations (readdir, lstat, stat, readFile) issued at most: a hostile tree cannot make it read the disk. */
    maxOps: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Files whose content is prefetched, at most. */
    maxDataFiles: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Only files at most this big have their content prefetched (small config files). */
    maxFileBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Content bytes prefetched in total, at most. */
    maxDataBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Inode-table bytes read ahead for whole-tree walks (a filesystem that can locate its inodes). */
    maxInodeTableBytes: Type.Optional(Type.Integer({ minimum: 0 })),
    /** XFS reads its in-use inode chunks (from each AG's inode B+tree) ahead too; off walks it by lookups. */
    xfsInodeChunks: Type.Optional(Type.Boolean()),
    /**
     * Opening a disk looks at all its partitions, filesystems and os-release candidates (and an
     * image's volumes) at once, and the scan's first reads start as soon as the root is known;
     * off, one after another, and the first reads wait for the whole assembly. Same outcome.
     */
    parallelDiscovery: Type.Optional(Type.Boolean()),
    /** Operations in flight at once; the device below queues and de-duplicates block reads. */
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024 })),
  },
  { additionalProperties: false },
);
export type PrefetchOptions = Static<typeof PrefetchOptionsSchema>;

export const PREFETCH_DEFAULTS: Required<PrefetchOptions> = {
  enabled: true,
  // A whole-tree check (world-writable, SUID, unowned) stats every entry anyway; this only caps it.
  maxOps: 400_000,
  maxDataFiles: 1024,
  maxFileBytes: 256 * 1024,
  maxDataBytes: 32 * 1024 * 1024,
  maxInodeTableBytes: 48 * 1024 * 1024,
  xfsInodeChunks: true,
  parallelDiscovery: true,
  // Wide on purpose: entries queued together tend to lie together on disk (one 512 KiB EBS block
  // holds the inodes or directory blocks of hundreds of them), so a narrow window would walk the
  // disk one block at a time. The device below bounds the real fetches.
  concurrency: 1024,
};

export interface PrefetchStats {
  ops: number;
  dataFiles: number;
  dataBytes: number;
  /** Operations that failed (ENOENT and the like); never fatal, the later real read reports them. */
  errors: number;
  /** True when a budget stopped the prefetch before it had visited everything the globs name. */
  truncated: boolean;
}

const depthOf = (p: string): number => (p === '/' ? 0 : p.split('/').length - 1);
const childOf = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/** True when glob `g` reaches below `dir` only through a `**` segment at or above it. */
function onlyByDoubleStar(g: string, dir: string): boolean {
  const segs = g.split('/').filter((s) => s !== '');
  const at = segs.indexOf('**');
  return at >= 0 && at < depthOf(dir);
}

/**
 * Visits what the declared globs name, many operations at once: every directory on the way to a
 * glob is listed, the entries that match or lead to a match are stat-ed, and small files that a
 * non-recursive glob names are read whole (their data blocks land in the device's cache). Nothing
 * else is touched; symlinks are not descended (the walkers do not either), directory inodes seen
 * twice are not entered again, and /proc, /sys, /dev, /run are left out of `**` walks as walkTree
 * leaves them out. Errors are counted, never thrown.
 */
export async function prefetchGlobs(
  vfs: Vfs,
  globs: readonly string[],
  options: PrefetchOptions = {},
): Promise<PrefetchStats> {
  const o = { ...PREFETCH_DEFAULTS, ...options };
  const stats: PrefetchStats = { ops: 0, dataFiles: 0, dataBytes: 0, errors: 0, truncated: false };
  if (!o.enabled || globs.length === 0) return stats;
  const skip = new Set(DEFAULT_SKIP_DIRS);
  const seenDirs = new Set<number>();
  const queue: (() => Promise<void>)[] = [];

  const take = (): boolean => {
    if (stats.ops >= o.maxOps) {
      stats.truncated = true;
      return false;
    }
    stats.ops++;
    return true;
  };
  const guard = async <T>(p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch {
      stats.errors++;
      return undefined;
    }
  };

  const readData = async (path: string, st: VfsStat, wanted: readonly string[]): Promise<void> => {
    // Recursive globs are walked for metadata (modes, owners); whole-file reads are for named files.
    if (!wanted.some((g) => !g.includes('**'))) return;
    let file = st;
    if (st.type === 'symlink') {
      if (!take()) return;
      const target = await guard(vfs.stat(path));
      if (!target) return;
      file = target;
    }
    if (file.type !== 'file' || file.size === 0 || file.size > o.maxFileBytes) return;
    if (stats.dataFiles >= o.maxDataFiles || stats.dataBytes + file.size > o.maxDataBytes) {
      stats.truncated = true;
      return;
    }
    if (!take()) return;
    stats.dataFiles++;
    stats.dataBytes += file.size;
    await guard(vfs.readFile(path, { maxBytes: o.maxFileBytes }));
  };

  const visitEntry = async (path: string, relevant: readonly string[]): Promise<void> => {
    const exact = relevant.filter((g) => globMatch(g, path));
    const below = relevant.filter(
      (g) => globMayMatchBelow(g, path) && !(skip.has(path) && onlyByDoubleStar(g, path + '/x')),
    );
    if (exact.length === 0 && below.length === 0) return;
    if (!take()) return;
    const st = await guard(vfs.lstat(path));
    if (!st) return;
    const work: Promise<void>[] = [];
    if (exact.length > 0) work.push(readData(path, st, exact));
    if (st.type === 'dir' && below.length > 0 && !seenDirs.has(st.ino)) {
      seenDirs.add(st.ino);
      push(() => listDir(path, below));
    }
    await Promise.all(work);
  };

  const listDir = async (dir: string, relevant: readonly string[]): Promise<void> => {
    if (!take()) return;
    const entries = await guard(vfs.readdir(dir));
    if (!entries) return;
    for (const e of entries) {
      if (e.name === '.' || e.name === '..') continue;
      const path = childOf(dir, e.name);
      push(() => visitEntry(path, relevant));
    }
  };

  // A pool draining one FIFO queue: breadth first, `concurrency` operations in flight, no barrier
  // between levels, so a slow directory does not hold up its siblings.
  let active = 0;
  let finish = (): void => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const pump = (): void => {
    while (active < o.concurrency && queue.length > 0) {
      const task = queue.shift()!;
      active++;
      void task()
        .catch(() => void stats.errors++)
        .finally(() => {
          active--;
          pump();
        });
    }
    if (active === 0 && queue.length === 0) finish();
  };
  function push(task: () => Promise<void>): void {
    // Pending tasks count against the budget too: a directory of a million entries queues no more.
    if (stats.ops + queue.length + active >= o.maxOps) {
      stats.truncated = true;
      return;
    }
    queue.push(task);
    pump();
  }

  push(() => visitEntry('/', [...globs]));
  pump();
  await finished;
  return stats;
}
