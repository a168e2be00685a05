import { chmod, chown, lchown, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * A root-filesystem tree written as text, so fixtures keep modes and owners that git cannot:
 *   files: { "/etc/ssh/sshd_config": "PermitRootLogin no\n" }
 *   meta:  { "/etc/shadow": { mode: "0640", uid: 0, gid: 42 } }   (default: files 0644, dirs 0755, root:root)
 *   links: { "/etc/localtime": "/usr/share/zoneinfo/UTC" }
 *   dirs:  ["/tmp"]                                                  (empty directories)
 * Ownership needs root to apply; `canChown` tells tests whether it was.
 */
export interface TreeSpec {
  readonly files?: Readonly<Record<string, string>>;
  readonly meta?: Readonly<
    Record<string, { readonly mode?: string | number; readonly uid?: number; readonly gid?: number }>
  >;
  readonly links?: Readonly<Record<string, string>>;
  readonly dirs?: readonly string[];
}

export const canChown = process.getuid?.() === 0;

const rel = (root: string, p: string): string => join(root, p.replace(/^\/+/, ''));
const modeOf = (m: string | number): number => (typeof m === 'number' ? m : parseInt(m, 8));

/** Merges specs left to right: later files, links and meta replace earlier ones at the same path. */
export function mergeTrees(...specs: readonly TreeSpec[]): TreeSpec {
  const out = {
    files: {} as Record<string, string>,
    meta: {} as Record<string, object>,
    links: {} as Record<string, string>,
    dirs: [] as string[],
  };
  for (const s of specs) {
    Object.assign(out.files, s.files);
    Object.assign(out.meta, s.meta);
    Object.assign(out.links, s.links);
    out.dirs.push(...(s.dirs ?? []));
  }
  return out as TreeSpec;
}

export async function layOutTree(spec: TreeSpec, root: string): Promise<void> {
  for (const d of spec.dirs ?? []) await mkdir(rel(root, d), { recursive: true });
  for (const [p, content] of Object.entries(spec.files ?? {})) {
    await mkdir(dirname(rel(root, p)), { recursive: true });
    await writeFile(rel(root, p), content);
    await chmod(rel(root, p), 0o644);
  }
  for (const [p, target] of Object.entries(spec.links ?? {})) {
    await mkdir(dirname(rel(root, p)), { recursive: true });
    await rm(rel(root, p), { force: true });
    await symlink(target, rel(root, p));
    if (canChown) await lchown(rel(root, p), 0, 0);
  }
  for (const [p, m] of Object.entries(spec.meta ?? {})) {
    const target = rel(root, p);
    await mkdir(target, { recursive: true }).catch(() => undefined);
    if (m.mode !== undefined) await chmod(target, modeOf(m.mode));
    if (canChown && (m.uid !== undefined || m.gid !== undefined)) await chown(target, m.uid ?? 0, m.gid ?? 0);
  }
}

/** Lays the tree out in a fresh temporary directory and returns it with a cleanup function. */
export async function withTree(spec: TreeSpec): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'amw-tree-'));
  await chmod(root, 0o755);
  await layOutTree(spec, root);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
