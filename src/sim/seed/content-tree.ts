import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lstat, lutimes, mkdir, mkdtemp, open, readdir, rename, rm, truncate } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AmwError } from '../../errors.ts';
import { makeExt4, makeXfs, TOOL_PATH, treeEntries } from './fs-makers.ts';
import { writeGpt } from './gpt-writer.ts';
import type { EstateSeed, SeedContentTreeT } from './schema.ts';
import { layOutTree, loadTreeSpec, mergeTrees } from './tree-spec.ts';
import type { TreeSpec } from './tree-spec.ts';

/** Bumped when the image layout changes, so cached images built by an older layout are not reused. */
const LAYOUT_VERSION = 2;
/** File and superblock times: an image does not depend on when it was built. */
const FIXED_TIME = new Date('2024-01-02T03:04:05Z');
const GPT_LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
const PATH = TOOL_PATH;

const TOOLS: Record<string, string> = {
  mke2fs: 'e2fsprogs',
  debugfs: 'e2fsprogs',
  'mkfs.xfs': 'xfsprogs',
  xfs_db: 'xfsprogs',
};

/** Where built images are kept: AMW_CACHE_DIR, else the user's cache directory. */
export function contentCacheDir(): string {
  const base =
    process.env['AMW_CACHE_DIR'] ??
    join(process.env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'amiwarden');
  return join(base, 'sim-images');
}

/** Throws AMW_SEED_CONTENT naming the Debian package when `tool` is not on `path`. */
export function requireTool(tool: string, what: string, path = PATH): void {
  const found =
    spawnSync('sh', ['-c', `command -v ${tool}`], { env: { ...process.env, PATH: path } }).status === 0;
  if (!found)
    throw new AmwError(
      'AMW_SEED_CONTENT',
      `${what}: ${tool} is not installed (Debian package ${TOOLS[tool]}; scripts/install-system-deps.sh installs it)`,
    );
}

const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

/** The part of the tree a filesystem holds: only `subtree` (re-rooted), without what `omit` names. */
export function selectTree(spec: TreeSpec, subtree?: string, omit: readonly string[] = []): TreeSpec {
  const keep = (p: string) =>
    (subtree === undefined || under(p, subtree)) && !omit.some((o) => p.startsWith(`${o}/`));
  const move = (p: string) => (subtree === undefined ? p : p.slice(subtree.length) || '/');
  const pick = <V>(r: Readonly<Record<string, V>> | undefined) =>
    Object.fromEntries(
      Object.entries(r ?? {})
        .filter(([p]) => keep(p))
        .map(([p, v]) => [move(p), v]),
    );
  return {
    files: pick(spec.files),
    links: pick(spec.links),
    meta: pick(spec.meta),
    dirs: [...(spec.dirs ?? []).filter(keep).map(move), ...omit.filter(keep).map(move)],
  };
}

function defaultUuid(key: string): string {
  const h = key.slice(0, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Builds (or finds in the cache) the raw disk image a snapshot's `contentTree` describes and
 * returns its path. The key hashes every input, so a changed tree builds a new image and an
 * unchanged one is reused by the next simulator start.
 */
export async function buildContentTree(
  ct: SeedContentTreeT,
  seedDir: string,
  what: string,
  cacheDir = contentCacheDir(),
): Promise<string> {
  const loaded = await Promise.all(ct.trees.map((t) => loadTreeSpec(resolve(seedDir, t))));
  const spec = selectTree(mergeTrees(...loaded.map((l) => l.spec)), ct.subtree, ct.omit);
  const fs = ct.fs ?? 'ext4';
  // mkfs.xfs wants more room for its log and allocation groups.
  const opts = { fs, sizeMiB: ct.sizeMiB ?? (fs === 'xfs' ? 128 : 64), table: ct.partitionTable ?? 'gpt' };
  const key = createHash('sha256')
    .update(JSON.stringify({ v: LAYOUT_VERSION, spec, opts, uuid: ct.uuid, label: ct.label }))
    .digest('hex');
  const out = join(cacheDir, `${key.slice(0, 32)}.img`);
  if (existsSync(out)) return out;

  const tools = opts.fs === 'xfs' ? ['mkfs.xfs', 'xfs_db'] : ['mke2fs', 'debugfs'];
  for (const t of tools) requireTool(t, what);
  // A home without a writable cache (a locked-down CI user) falls back to the temporary directory.
  const dir = await mkdir(cacheDir, { recursive: true }).then(
    () => cacheDir,
    async () => {
      const fallback = join(tmpdir(), `amiwarden-cache-${process.getuid?.() ?? 'user'}`, 'sim-images');
      await mkdir(fallback, { recursive: true });
      return fallback;
    },
  );
  if (dir !== cacheDir) return buildContentTree(ct, seedDir, what, dir);
  const work = await mkdtemp(join(cacheDir, 'build-'));
  try {
    const tree = join(work, 'tree');
    await mkdir(tree);
    await chmod(tree, 0o755);
    await layOutTree(spec, tree, false);
    await stampTimes(tree);
    const fsImage = join(work, 'fs.img');
    await truncate(await touch(fsImage), opts.sizeMiB * 1024 * 1024);
    const uuid = ct.uuid ?? defaultUuid(key);
    const env = { ...process.env, PATH, E2FSPROGS_FAKE_TIME: String(FIXED_TIME.getTime() / 1000) };
    // Owners and modes come from the spec, not the laid-out files, so the image is the same for any user.
    const entries = await treeEntries(tree, spec.meta ?? {});
    const fsOpts = { uuid, label: ct.label, what, env };
    if (opts.fs === 'xfs') await makeXfs(tree, fsImage, entries, fsOpts);
    else await makeExt4(tree, fsImage, entries, fsOpts);
    let image = fsImage;
    if (opts.table === 'gpt') {
      image = join(work, 'disk.img');
      await truncate(await touch(image), (opts.sizeMiB + 2) * 1024 * 1024);
      const disk = defaultUuid(createHash('sha256').update(`disk:${key}`).digest('hex'));
      const part = defaultUuid(createHash('sha256').update(`part:${key}`).digest('hex'));
      // 1 MiB before the partition and the backup table after it, as partitioning tools align it.
      await writeGpt(image, disk, [
        {
          firstLba: 2048,
          lastLba: 2048 + opts.sizeMiB * 2048 - 1,
          typeGuid: GPT_LINUX,
          uniqueGuid: part,
          name: 'root',
        },
      ]);
      await copySparse(fsImage, image, 1024 * 1024);
    }
    await rename(image, out);
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function touch(path: string): Promise<string> {
  await (await open(path, 'w')).close();
  return path;
}

async function stampTimes(path: string): Promise<void> {
  const st = await lstat(path);
  if (st.isDirectory()) for (const name of await readdir(path)) await stampTimes(join(path, name));
  await lutimes(path, FIXED_TIME, FIXED_TIME);
}

/** Copies `src` into `dest` at `offset`, skipping all-zero chunks so `dest` stays sparse. */
export async function copySparse(src: string, dest: string, offset: number): Promise<void> {
  const from = await open(src, 'r');
  const to = await open(dest, 'r+');
  const buf = Buffer.alloc(1024 * 1024);
  try {
    for (let pos = 0; ; pos += buf.length) {
      const { bytesRead } = await from.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      if (chunk.some((b) => b !== 0)) await to.write(chunk, 0, bytesRead, offset + pos);
    }
  } finally {
    await from.close();
    await to.close();
  }
}

/** Builds every `contentTree` of a seed; returns the image path of each such snapshot by id. */
export async function buildSeedContents(seed: EstateSeed, seedDir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const acct of seed.accounts)
    for (const rs of Object.values(acct.regions ?? {}))
      for (const s of rs.snapshots ?? [])
        if (s.contentTree)
          out.set(s.id, await buildContentTree(s.contentTree, seedDir, `snapshot ${s.id} contentTree`));
  return out;
}
