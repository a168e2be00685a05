import { chmod, chown, lchown, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { AmwError, messageOf } from '../../errors.ts';

/**
 * A root-filesystem tree written as text, so trees keep modes and owners that git cannot:
 *   files: { "/etc/ssh/sshd_config": "PermitRootLogin no\n" }
 *   meta:  { "/etc/shadow": { mode: "0640", uid: 0, gid: 42 } }   (default: files 0644, dirs 0755, root:root)
 *   links: { "/etc/localtime": "/usr/share/zoneinfo/UTC" }
 *   dirs:  ["/tmp"]                                                  (empty directories)
 * Laid out on the host, ownership needs root (`canChown`); built into a disk image
 * (content-tree.ts) modes and owners are written into the filesystem directly.
 */
export const TreeSpecSchema = Type.Object(
  {
    files: Type.Optional(Type.Record(Type.String({ pattern: '^/' }), Type.String())),
    meta: Type.Optional(
      Type.Record(
        Type.String({ pattern: '^/' }),
        Type.Object(
          {
            mode: Type.Optional(
              Type.Union([Type.String({ pattern: '^0?[0-7]{3,4}$' }), Type.Integer({ minimum: 0 })]),
            ),
            uid: Type.Optional(Type.Integer({ minimum: 0 })),
            gid: Type.Optional(Type.Integer({ minimum: 0 })),
          },
          { additionalProperties: false },
        ),
      ),
    ),
    links: Type.Optional(Type.Record(Type.String({ pattern: '^/' }), Type.String({ minLength: 1 }))),
    dirs: Type.Optional(Type.Array(Type.String({ pattern: '^/' }))),
  },
  { additionalProperties: false },
);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type TreeSpec = Readonly<Static<typeof TreeSpecSchema>>;
export type TreeMeta = NonNullable<TreeSpec['meta']>[string];

export const canChown = process.getuid?.() === 0;

const rel = (root: string, p: string): string => join(root, p.replace(/^\/+/, ''));
export const modeOf = (m: string | number): number => (typeof m === 'number' ? m : parseInt(m, 8));

/** Merges specs left to right: later files, links and meta replace earlier ones at the same path. */
export function mergeTrees(...specs: readonly TreeSpec[]): TreeSpec {
  const out = { files: {}, meta: {}, links: {}, dirs: [] } as Required<
    Mutable<Static<typeof TreeSpecSchema>>
  >;
  for (const s of specs) {
    Object.assign(out.files, s.files);
    Object.assign(out.meta, s.meta);
    Object.assign(out.links, s.links);
    out.dirs.push(...(s.dirs ?? []));
  }
  return out;
}

/** Reads a tree-spec YAML file, checked against its closed schema. */
export async function loadTreeSpec(file: string): Promise<{ spec: TreeSpec; text: string }> {
  let text: string;
  let raw: unknown;
  try {
    text = await readFile(file, 'utf8');
    raw = parse(text) ?? {};
  } catch (err) {
    throw new AmwError('AMW_SEED_UNREADABLE', `cannot read tree ${file}: ${messageOf(err)}`, {
      cause: err,
      location: { file },
    });
  }
  const first = Value.Errors(TreeSpecSchema, raw).First();
  if (first)
    throw new AmwError('AMW_SEED_INVALID', `tree ${first.path || '(root)'}: ${first.message}`, {
      location: { file },
    });
  return { spec: raw as TreeSpec, text };
}

/**
 * Writes the tree under `root`. Ownership is applied only when `chownAs` allows it (root);
 * callers that build images set owners in the filesystem instead.
 */
export async function layOutTree(spec: TreeSpec, root: string, chownAs = canChown): Promise<void> {
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
    if (chownAs) await lchown(rel(root, p), 0, 0);
  }
  for (const [p, m] of Object.entries(spec.meta ?? {})) {
    const target = rel(root, p);
    await mkdir(target, { recursive: true }).catch(() => undefined);
    if (m.mode !== undefined) await chmod(target, modeOf(m.mode));
    if (chownAs && (m.uid !== undefined || m.gid !== undefined)) await chown(target, m.uid ?? 0, m.gid ?? 0);
  }
}

/** Lays the tree out in a fresh temporary directory and returns it with a cleanup function. */
export async function withTree(spec: TreeSpec): Promise<{ root: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'amw-tree-'));
  await chmod(root, 0o755);
  await layOutTree(spec, root);
  return { root, cleanup: () => rm(root, { recursive: true, force: true }) };
}
