import { isVfsError, normalizeImagePath } from '../vfs/vfs.ts';
import type { Vfs, VfsStat } from '../vfs/vfs.ts';
import { walkTree } from '../vfs/walk.ts';
import type { WalkOptions } from '../vfs/walk.ts';
import { globMatch, hasWildcard } from './glob.ts';

export interface Found {
  readonly path: string;
  /** lstat of the path (a symlink stays a symlink). */
  readonly stat: VfsStat;
}

const absent = (err: unknown): boolean => isVfsError(err, 'ENOENT') || isVfsError(err, 'ENOTDIR');

/** lstat that answers undefined for a missing path; other errors (EACCES, EIO) propagate. */
export async function lstatOrUndefined(vfs: Vfs, path: string): Promise<VfsStat | undefined> {
  try {
    return await vfs.lstat(path);
  } catch (err) {
    if (absent(err)) return undefined;
    throw err;
  }
}

/** Reads a file as UTF-8, or undefined when it does not exist. */
export async function readTextOrUndefined(
  vfs: Vfs,
  path: string,
  maxBytes = 4 * 1024 * 1024,
): Promise<string | undefined> {
  try {
    return (await vfs.readFile(path, { maxBytes })).toString('utf8');
  } catch (err) {
    if (absent(err)) return undefined;
    throw err;
  }
}

/**
 * The existing paths that match an in-image glob, sorted. Plain segments are looked up directly,
 * `*` segments list one directory (following a symlinked directory inside the image), and `**`
 * hands over to the bounded walk, which never follows symlinks.
 */
export async function expandGlob(vfs: Vfs, glob: string, walkOptions: WalkOptions = {}): Promise<Found[]> {
  const segs = normalizeImagePath(glob).split('/').filter(Boolean);
  const out: Found[] = [];
  const step = async (dir: string, i: number): Promise<void> => {
    if (i === segs.length) {
      const st = await lstatOrUndefined(vfs, dir);
      if (st) out.push({ path: dir, stat: st });
      return;
    }
    const seg = segs[i]!;
    const join = (name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);
    if (seg === '**') {
      const rest = '/' + segs.join('/');
      await walkTree(
        vfs,
        dir,
        (e) => {
          if (globMatch(rest, e.path)) out.push({ path: e.path, stat: e.stat });
        },
        walkOptions,
      ).catch((err: unknown) => {
        if (!absent(err)) throw err;
      });
      return;
    }
    if (!hasWildcard(seg)) return step(join(seg), i + 1);
    let names: string[];
    try {
      names = (await vfs.readdir(dir)).map((e) => e.name);
    } catch (err) {
      if (absent(err)) return;
      throw err;
    }
    const re = new RegExp(
      '^' +
        seg
          .replace(/[\\^$.|+()[\]{}]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]') +
        '$',
    );
    for (const name of names.sort()) if (re.test(name)) await step(join(name), i + 1);
  };
  await step('/', 0);
  const seen = new Set<string>();
  return out
    .filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Expands several globs into one sorted, de-duplicated list. */
export async function expandGlobs(
  vfs: Vfs,
  globs: readonly string[],
  walkOptions: WalkOptions = {},
): Promise<Found[]> {
  const all = new Map<string, Found>();
  for (const g of globs) for (const f of await expandGlob(vfs, g, walkOptions)) all.set(f.path, f);
  return [...all.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
