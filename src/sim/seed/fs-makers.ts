import { execFile } from 'node:child_process';
import { lstat, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AmwError, messageOf } from '../../errors.ts';
import { modeOf } from './tree-spec.ts';
import type { TreeMeta } from './tree-spec.ts';

const run = promisify(execFile);
export const TOOL_PATH = `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`;

/** One inode of a laid-out tree with the mode and owner its tree spec gives it. */
export interface TreeEntry {
  path: string;
  host: string;
  /** File type bits (S_IFMT). */
  type: number;
  /** Permission bits, setuid/setgid/sticky included. */
  perms: number;
  uid: number;
  gid: number;
}

const DIR = 0o040000;
const LINK = 0o120000;

/** Every entry under `root`, parents first, names sorted; defaults root:root, 0755 dirs, 0644 files. */
export async function treeEntries(
  root: string,
  meta: Readonly<Record<string, TreeMeta>>,
): Promise<TreeEntry[]> {
  const out: TreeEntry[] = [];
  const visit = async (path: string, host: string): Promise<void> => {
    if (/[\s"\\$]/.test(path))
      throw new AmwError(
        'AMW_SEED_CONTENT',
        `tree path ${JSON.stringify(path)}: blanks and quotes are not supported`,
      );
    const st = await lstat(host);
    const type = st.mode & 0o170000;
    const m = meta[path];
    const perms =
      m?.mode !== undefined ? modeOf(m.mode) : type === DIR ? 0o755 : type === LINK ? 0o777 : 0o644;
    out.push({ path, host, type, perms, uid: m?.uid ?? 0, gid: m?.gid ?? 0 });
    if (type === DIR)
      for (const name of (await readdir(host)).sort())
        await visit(path === '/' ? `/${name}` : `${path}/${name}`, join(host, name));
  };
  await visit('/', root);
  return out;
}

export async function tool(
  what: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
) {
  try {
    const child = run(cmd, args, { env, maxBuffer: 16 * 1024 * 1024 });
    if (input !== undefined) child.child.stdin?.end(input);
    const { stderr } = await child;
    // debugfs reports a failed command on stderr and still exits 0.
    if (cmd === 'debugfs' && /: (File not found|Invalid|Couldn't|Bad)/i.test(stderr)) throw new Error(stderr);
  } catch (err) {
    const detail = (err as { stderr?: string }).stderr?.trim() || messageOf(err);
    throw new AmwError(
      'AMW_SEED_CONTENT',
      `${what}: ${cmd} failed: ${detail.split('\n').slice(0, 3).join(' ')}`,
      {
        cause: err,
      },
    );
  }
}

export interface FsOptions {
  uuid: string;
  label?: string;
  what: string;
  env: NodeJS.ProcessEnv;
}

/** ext4 with mke2fs -d, then every inode's mode and owner set with debugfs (works without root). */
export async function makeExt4(
  tree: string,
  image: string,
  entries: TreeEntry[],
  o: FsOptions,
): Promise<void> {
  const args = [
    '-q',
    '-F',
    '-t',
    'ext4',
    '-U',
    o.uuid,
    '-E',
    `root_owner=0:0,hash_seed=${o.uuid}`,
    '-d',
    tree,
  ];
  if (o.label) args.push('-L', o.label);
  await tool(o.what, 'mke2fs', [...args, image], o.env);
  const cmds = entries.flatMap((e) => [
    `set_inode_field ${e.path} mode 0${(e.type | e.perms).toString(8)}`,
    `set_inode_field ${e.path} uid ${e.uid}`,
    `set_inode_field ${e.path} gid ${e.gid}`,
  ]);
  const file = `${image}.debugfs`;
  await writeFile(file, cmds.join('\n') + '\n');
  await tool(o.what, 'debugfs', ['-w', '-f', file, image], o.env);
}

const PROTO_TYPE: Record<number, string> = { [DIR]: 'd', [LINK]: 'l', 0o100000: '-' };

/**
 * XFS with mkfs.xfs -p: the protofile carries every mode and owner, so no root is needed.
 * Protofiles cannot say "sticky"; xfs_db writes those modes afterwards.
 */
export async function makeXfs(
  tree: string,
  image: string,
  entries: TreeEntry[],
  o: FsOptions,
): Promise<void> {
  const lines = ['/unused-boot-image', '0 0'];
  const field = (e: TreeEntry) =>
    `${PROTO_TYPE[e.type] ?? '-'}${e.perms & 0o4000 ? 'u' : '-'}${e.perms & 0o2000 ? 'g' : '-'}${(
      e.perms & 0o777
    )
      .toString(8)
      .padStart(3, '0')} ${e.uid} ${e.gid}`;
  const depth = (p: string) => (p === '/' ? 0 : p.split('/').length - 1);
  let open = 0;
  for (const e of entries) {
    // Close the directories this entry is not inside of.
    for (; open > depth(e.path); open--) lines.push('$');
    if (!(e.type in PROTO_TYPE))
      throw new AmwError('AMW_SEED_CONTENT', `${o.what}: ${e.path}: only files, directories and links`);
    const name = e.path === '/' ? '' : `${e.path.slice(e.path.lastIndexOf('/') + 1)} `;
    const src = e.type === LINK ? ` ${await readlink(e.host)}` : e.type === DIR ? '' : ` ${e.host}`;
    lines.push(`${name}${field(e)}${src}`);
    if (e.type === DIR) open = depth(e.path) + 1;
  }
  for (; open > 0; open--) lines.push('$');
  const proto = `${image}.proto`;
  await writeFile(proto, lines.join('\n') + '\n');
  // mkfs.xfs refuses filesystems under 300 MB unless it believes it runs inside a test harness.
  const env = { ...o.env, TEST_DIR: '1', TEST_DEV: '1', QA_CHECK_FS: '1' };
  const args = ['-f', '-q', '-m', `uuid=${o.uuid}`, '-p', proto];
  if (o.label) args.push('-L', o.label.slice(0, 12));
  await tool(o.what, 'mkfs.xfs', [...args, image], env);
  const sticky = entries.filter((e) => e.perms & 0o1000);
  if (sticky.length > 0)
    await tool(
      o.what,
      'xfs_db',
      [
        '-x',
        ...sticky.flatMap((e) => [
          '-c',
          `path ${e.path}`,
          '-c',
          `write core.mode 0${(e.type | e.perms).toString(8)}`,
        ]),
        image,
      ],
      env,
    );
}
