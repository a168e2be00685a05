import type { CheckContext } from '../template.ts';
import type { Vfs, VfsStat } from '../../vfs/vfs.ts';
import { isVfsError, normalizeImagePath } from '../../vfs/vfs.ts';

/** Reads a text file from the image; undefined when it does not exist (other errors propagate). */
export async function readText(vfs: Vfs, path: string): Promise<string | undefined> {
  try {
    return (await vfs.readFile(path)).toString('utf8');
  } catch (err) {
    if (isVfsError(err, 'ENOENT') || isVfsError(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** lstat that answers undefined for a missing path. */
export async function lstatOrNull(vfs: Vfs, path: string): Promise<VfsStat | undefined> {
  try {
    return await vfs.lstat(path);
  } catch (err) {
    if (isVfsError(err, 'ENOENT') || isVfsError(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

/** stat (following in-image links) that answers undefined for a missing path or dangling link. */
export async function statOrNull(vfs: Vfs, path: string): Promise<VfsStat | undefined> {
  try {
    return await vfs.stat(path);
  } catch (err) {
    if (isVfsError(err, 'ENOENT') || isVfsError(err, 'ENOTDIR')) return undefined;
    throw err;
  }
}

async function listDir(vfs: Vfs, dir: string): Promise<string[]> {
  try {
    return (await vfs.readdir(dir)).map((e) => e.name).sort();
  } catch (err) {
    if (isVfsError(err, 'ENOENT') || isVfsError(err, 'ENOTDIR')) return [];
    throw err;
  }
}

/** One glob segment ("*.conf", "ssh_host_*_key") as a RegExp; `*` never crosses "/", dotfiles match only when asked. */
export function segmentRegExp(segment: string): RegExp {
  let src = '';
  for (const ch of segment) {
    if (ch === '*') src += '[^/]*';
    else if (ch === '?') src += '[^/]';
    else src += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

/**
 * Expands an in-image glob by listing directories; results are sorted by full path so that
 * "files sorted by name" orders (sshd Include, sysctl.d, pam) come out as the tools see them.
 * Only `*` and `?` inside one segment are supported here; `**` walks belong to tree walkers.
 */
export async function expandGlob(vfs: Vfs, glob: string): Promise<string[]> {
  const segs = normalizeImagePath(glob).split('/').filter(Boolean);
  let current = ['/'];
  for (const seg of segs) {
    const next: string[] = [];
    const wild = /[*?]/.test(seg);
    for (const dir of current) {
      if (!wild) {
        next.push(normalizeImagePath(dir, seg));
        continue;
      }
      const re = segmentRegExp(seg);
      for (const name of await listDir(vfs, dir)) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(name)) next.push(normalizeImagePath(dir, name));
      }
    }
    current = next;
  }
  const present: string[] = [];
  for (const p of current) if (await lstatOrNull(vfs, p)) present.push(p);
  return present.sort();
}

/** Drops comments and blank lines, keeping 1-based line numbers. */
export function contentLines(text: string, comment = '#'): Array<{ text: string; line: number }> {
  const out: Array<{ text: string; line: number }> = [];
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith(comment)) return;
    out.push({ text: t, line: i + 1 });
  });
  return out;
}

/** Memoised text read, shared by checks in one scan. */
export function cachedText(ctx: CheckContext, path: string): Promise<string | undefined> {
  return ctx.memo(`text:${path}`, () => readText(ctx.vfs, path));
}

export const octal = (mode: number): string => '0' + (mode & 0o7777).toString(8).padStart(3, '0');
