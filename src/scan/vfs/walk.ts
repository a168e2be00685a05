import { isVfsError, normalizeImagePath } from './vfs.ts';
import type { Vfs, VfsStat } from './vfs.ts';

export interface WalkEntry {
  readonly path: string;
  readonly stat: VfsStat;
}

export interface WalkProblem {
  readonly path: string;
  readonly reason: string;
}

export interface WalkOptions {
  /** Stop after this many entries and set `truncated` (bounded time and memory on hostile trees). */
  readonly maxEntries?: number;
  /** Do not descend below this depth (the start is depth 0). */
  readonly maxDepth?: number;
  /** Directories not to enter; defaults to the pseudo filesystems a live system mounts over the image. */
  readonly skipDirs?: readonly string[];
  /** How many lstat calls run at once (helps sources with per-call latency). */
  readonly concurrency?: number;
}

export interface WalkSummary {
  readonly entries: number;
  readonly truncated: boolean;
  readonly problems: readonly WalkProblem[];
}

export const DEFAULT_SKIP_DIRS: readonly string[] = ['/proc', '/sys', '/dev', '/run'];
export const DEFAULT_MAX_ENTRIES = 2_000_000;
const MAX_PROBLEMS = 1000;

/**
 * Depth-first walk that never follows symlinks, visits each directory inode once (a repeated
 * directory inode means a loop or a corrupt filesystem and is reported, not entered), and keeps
 * only the pending directory names in memory. Unreadable directories become problems, not failures.
 */
export async function walkTree(
  vfs: Vfs,
  start: string,
  visit: (entry: WalkEntry) => void | Promise<void>,
  options: WalkOptions = {},
): Promise<WalkSummary> {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const maxDepth = options.maxDepth ?? 256;
  const skip = new Set(options.skipDirs ?? DEFAULT_SKIP_DIRS);
  const concurrency = options.concurrency ?? 32;
  const problems: WalkProblem[] = [];
  const seenDirs = new Set<number>();
  let entries = 0;
  let truncated = false;
  const problem = (path: string, reason: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push({ path, reason });
  };

  const root = normalizeImagePath(start);
  let rootStat: VfsStat;
  try {
    rootStat = await vfs.lstat(root);
  } catch (err) {
    problem(root, isVfsError(err) ? err.code : (err as Error).message);
    return { entries, truncated, problems };
  }
  entries++;
  await visit({ path: root, stat: rootStat });
  if (rootStat.type !== 'dir') return { entries, truncated, problems };
  seenDirs.add(rootStat.ino);

  const stack: Array<{ path: string; depth: number }> = [{ path: root, depth: 0 }];
  while (stack.length > 0 && !truncated) {
    const { path: dir, depth } = stack.pop()!;
    let names: string[];
    try {
      names = (await vfs.readdir(dir)).map((e) => e.name).sort();
    } catch (err) {
      problem(dir, isVfsError(err) ? err.code : (err as Error).message);
      continue;
    }
    const subdirs: string[] = [];
    for (let i = 0; i < names.length && !truncated; i += concurrency) {
      const batch = names.slice(i, i + concurrency).map((n) => (dir === '/' ? `/${n}` : `${dir}/${n}`));
      const stats = await Promise.all(
        batch.map((p) =>
          vfs.lstat(p).catch((err: unknown) => {
            problem(p, isVfsError(err) ? err.code : (err as Error).message);
            return undefined;
          }),
        ),
      );
      for (let k = 0; k < batch.length; k++) {
        const st = stats[k];
        if (!st) continue;
        if (entries >= maxEntries) {
          truncated = true;
          break;
        }
        entries++;
        await visit({ path: batch[k]!, stat: st });
        if (st.type !== 'dir' || skip.has(batch[k]!) || depth + 1 > maxDepth) continue;
        if (seenDirs.has(st.ino)) {
          problem(batch[k]!, 'directory inode already visited (loop or corrupt filesystem); not entered');
          continue;
        }
        seenDirs.add(st.ino);
        subdirs.push(batch[k]!);
      }
    }
    for (let j = subdirs.length - 1; j >= 0; j--) stack.push({ path: subdirs[j]!, depth: depth + 1 });
  }
  return { entries, truncated, problems };
}

/** Walks and collects entries whose path or stat passes `keep`; the walk itself stays bounded. */
export async function collectTree(
  vfs: Vfs,
  start: string,
  keep: (entry: WalkEntry) => boolean,
  options: WalkOptions = {},
): Promise<{ found: WalkEntry[]; summary: WalkSummary }> {
  const found: WalkEntry[] = [];
  const summary = await walkTree(vfs, start, (e) => void (keep(e) && found.push(e)), options);
  return { found, summary };
}
