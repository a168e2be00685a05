import type { Vfs, VfsStat } from '../../vfs/vfs.ts';
import type { CheckContext } from '../template.ts';
import { isVfsError, normalizeImagePath } from '../../vfs/vfs.ts';

/** Pseudo filesystems that an image may hold as empty mount points; never walked. */
export const SKIP_DIRS = new Set(['/proc', '/sys', '/dev', '/run']);

/**
 * Walks a subtree without following symlinks, calling `visit` with each entry's lstat. Inodes seen
 * twice (bind-mount copies, hard-linked dirs on a corrupt fs) are skipped so a loop cannot hang the walk.
 */
export async function walkTree(
  vfs: Vfs,
  start: string,
  visit: (path: string, st: VfsStat) => void | Promise<void>,
  skip: ReadonlySet<string> = SKIP_DIRS,
): Promise<void> {
  const seen = new Set<number>();
  const stack = [normalizeImagePath(start)];
  while (stack.length) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = (await vfs.readdir(dir)).map((e) => e.name).sort();
    } catch (err) {
      if (isVfsError(err, 'ENOENT') || isVfsError(err, 'ENOTDIR')) continue;
      throw err;
    }
    for (const name of names) {
      const p = normalizeImagePath(dir, name);
      if (skip.has(p)) continue;
      let st: VfsStat;
      try {
        st = await vfs.lstat(p);
      } catch (err) {
        if (isVfsError(err, 'ENOENT')) continue;
        throw err;
      }
      await visit(p, st);
      if (st.type === 'dir' && !seen.has(st.ino)) {
        seen.add(st.ino);
        stack.push(p);
      }
    }
  }
}

/** Every entry of the image (metadata only), walked once per scan and shared by the whole-tree checks. */
export function allEntries(ctx: CheckContext): Promise<ReadonlyArray<readonly [string, VfsStat]>> {
  return ctx.memo('tree-entries', async () => {
    const out: Array<readonly [string, VfsStat]> = [];
    await walkTree(ctx.vfs, '/', (p, st) => {
      out.push([p, st]);
    });
    return out;
  });
}
