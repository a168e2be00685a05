import { execFileSync, spawnSync } from 'node:child_process';
import { lstat, open, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { copySparse } from '../../src/sim/seed/content-tree.ts';

/** Why disk-image tests must skip here (a tool is missing), or undefined when they can run. */
export function diskToolsMissing(): string | undefined {
  for (const tool of ['mke2fs', 'e2fsck', 'debugfs', 'mkfs.xfs', 'xfs_db', 'xfs_repair', 'sfdisk']) {
    if (spawnSync('sh', ['-c', `command -v ${tool} || test -x /usr/sbin/${tool}`]).status !== 0) {
      return `${tool} is not installed (scripts/install-system-deps.sh installs it)`;
    }
  }
  return undefined;
}

/** Why qcow2/VMDK tests must skip here (no qemu-img), or undefined when they can run. */
export function qemuImgMissing(): string | undefined {
  if (spawnSync('sh', ['-c', 'command -v qemu-img']).status === 0) return undefined;
  return 'qemu-img is not installed (Debian qemu-utils; scripts/install-system-deps.sh installs it)';
}

/** `qemu-img convert` of a raw image, with `-c` and `-o` options as given. */
export function convertImage(
  raw: string,
  out: string,
  format: 'qcow2' | 'vmdk',
  o: { compress?: boolean; options?: string } = {},
): void {
  const args = ['convert', '-f', 'raw', '-O', format];
  if (o.compress) args.push('-c');
  if (o.options) args.push('-o', o.options);
  execFileSync('qemu-img', [...args, raw, out], { stdio: ['ignore', 'pipe', 'pipe'] });
}

const PATH = `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`;
// mkfs.xfs refuses filesystems under 300 MB unless it believes it runs inside a test harness.
const XFS_ENV = { ...process.env, PATH, TEST_DIR: '1', TEST_DEV: '1', QA_CHECK_FS: '1' };
const run = (cmd: string, args: string[], input?: string): string =>
  execFileSync(cmd, args, { env: XFS_ENV, input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();

export interface Ext4Options {
  sizeMiB: number;
  uuid: string;
  label?: string;
  type?: 'ext2' | 'ext3' | 'ext4';
  blockSize?: number;
  features?: string;
  /** mke2fs -d writes linear directories; e2fsck -D rebuilds the large ones as hashed (htree). */
  index?: boolean;
}

export async function makeExt4(tree: string, image: string, o: Ext4Options): Promise<void> {
  const args = ['-q', '-F', '-t', o.type ?? 'ext4', '-U', o.uuid, '-d', tree, '-E', 'root_owner=0:0'];
  if (o.label) args.push('-L', o.label);
  if (o.blockSize) args.push('-b', String(o.blockSize));
  if (o.features) args.push('-O', o.features);
  run('truncate', ['-s', `${o.sizeMiB}M`, image]);
  run('mke2fs', [...args, image]);
  if (o.index) {
    // e2fsck exits 1 when it changed something, which is the point here.
    const r = spawnSync('e2fsck', ['-fyD', image], { env: XFS_ENV });
    if (r.status !== 0 && r.status !== 1) throw new Error(`e2fsck -D failed: ${r.stderr.toString()}`);
  }
  // mke2fs -d gives the root directory the source's mode; keep it predictable.
}

export interface XfsOptions {
  sizeMiB: number;
  uuid: string;
  label?: string;
  sectorSize?: 512 | 4096;
}

/** The mkfs.xfs protofile for a tree: one line per entry, `$` closing each directory. */
export async function protofile(
  tree: string,
): Promise<{ text: string; sticky: { path: string; mode: number }[] }> {
  const lines = ['/unused-boot-image', '0 0'];
  const sticky: { path: string; mode: number }[] = [];
  const modeField = (kind: string, mode: number): string =>
    kind +
    (mode & 0o4000 ? 'u' : '-') +
    (mode & 0o2000 ? 'g' : '-') +
    (mode & 0o777).toString(8).padStart(3, '0');
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const name of (await readdir(dir)).sort()) {
      if (/\s/.test(name)) throw new Error(`protofile cannot hold a name with blanks: ${name}`);
      const p = join(dir, name);
      const st = await lstat(p);
      const own = `${st.uid} ${st.gid}`;
      const type = st.mode & 0o170000;
      if (st.mode & 0o1000) sticky.push({ path: `${rel}/${name}`, mode: st.mode });
      if (type === 0o040000) {
        lines.push(`${name} ${modeField('d', st.mode)} ${own}`);
        await walk(p, `${rel}/${name}`);
        lines.push('$');
      } else if (type === 0o100000) lines.push(`${name} ${modeField('-', st.mode)} ${own} ${p}`);
      else if (type === 0o120000)
        lines.push(`${name} ${modeField('l', st.mode)} ${own} ${await readlink(p)}`);
      else if (type === 0o020000 || type === 0o060000) {
        const rdev = Number(st.rdev);
        const major = (rdev >> 8) & 0xfff;
        const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
        lines.push(`${name} ${modeField(type === 0o020000 ? 'c' : 'b', st.mode)} ${own} ${major} ${minor}`);
      } else if (type === 0o010000) lines.push(`${name} ${modeField('p', st.mode)} ${own}`);
    }
  };
  const rootSt = await lstat(tree);
  lines.push(`${modeField('d', rootSt.mode)} ${rootSt.uid} ${rootSt.gid}`);
  if (rootSt.mode & 0o1000) sticky.push({ path: '/', mode: rootSt.mode });
  await walk(tree, '');
  lines.push('$');
  return { text: lines.join('\n') + '\n', sticky };
}

export async function makeXfs(tree: string, image: string, o: XfsOptions): Promise<void> {
  const proto = await protofile(tree);
  const protoPath = `${image}.proto`;
  await writeFile(protoPath, proto.text);
  run('truncate', ['-s', `${o.sizeMiB}M`, image]);
  const args = ['-f', '-q', '-m', `uuid=${o.uuid}`, '-p', protoPath];
  if (o.label) args.push('-L', o.label);
  if (o.sectorSize) args.push('-s', `size=${o.sectorSize}`);
  run('mkfs.xfs', [...args, image]);
  // Protofiles cannot say "sticky"; xfs_db sets those modes afterwards.
  if (proto.sticky.length > 0) {
    const cmds = proto.sticky.flatMap((s) => [
      '-c',
      `path ${s.path}`,
      '-c',
      `write core.mode 0${s.mode.toString(8)}`,
    ]);
    run('xfs_db', ['-x', ...cmds, image]);
  }
  // mkfs.xfs 6.1 writes a protofile's file that needs several extents over the next AG's
  // headers; refuse such an image rather than test against it.
  const check = spawnSync('xfs_repair', ['-n', '-o', 'force_geometry', image], { env: XFS_ENV });
  if (check.status !== 0)
    throw new Error(`mkfs.xfs built a damaged image: ${check.stderr.toString().slice(0, 400)}`);
}

export interface PartSpec {
  sizeMiB: number;
  /** GPT type GUID, or MBR type byte in hex ("83", "5" for extended). */
  type: string;
  name?: string;
  /** Filesystem image copied in; absent leaves the partition empty. */
  image?: string;
  /** MBR only: a logical partition inside the extended one. */
  logical?: boolean;
}

/** Writes a partitioned disk with sfdisk and copies each partition's image in (sparse). */
export async function makeDisk(disk: string, table: 'gpt' | 'dos', parts: PartSpec[]): Promise<number[]> {
  const totalMiB = 2 + parts.reduce((n, p) => n + p.sizeMiB + (p.logical ? 1 : 0), 0) + 1;
  run('truncate', ['-s', `${totalMiB}M`, disk]);
  const lines = [`label: ${table}`, 'unit: sectors'];
  let at = 2048;
  const primary = parts.filter((p) => !p.logical);
  const logical = parts.filter((p) => p.logical);
  for (const p of primary) {
    const sectors = p.sizeMiB * 2048;
    const name = p.name && table === 'gpt' ? `, name="${p.name}"` : '';
    lines.push(`start=${at}, size=${sectors}, type=${p.type}${name}`);
    at += sectors;
  }
  if (logical.length > 0) {
    const sectors = logical.reduce((n, p) => n + (p.sizeMiB + 1) * 2048, 0);
    lines.push(`start=${at}, size=${sectors}, type=5`);
    let lat = at + 2048;
    for (const p of logical) {
      lines.push(`start=${lat}, size=${p.sizeMiB * 2048}, type=${p.type}`);
      lat += (p.sizeMiB + 1) * 2048;
    }
  }
  run('sfdisk', ['-q', '--no-reread', '--no-tell-kernel', disk], lines.join('\n') + '\n');
  const table_ = JSON.parse(run('sfdisk', ['-J', disk])) as {
    partitiontable: { partitions: { node: string; start: number; size: number; type: string }[] };
  };
  const starts = table_.partitiontable.partitions
    .filter((p) => !['5', 'f', '85'].includes(p.type))
    .map((p) => p.start * 512);
  const withImages = [...primary, ...logical];
  for (let i = 0; i < withImages.length; i++) {
    const img = withImages[i]!.image;
    if (img) await copyInto(img, disk, starts[i]!);
  }
  return starts;
}

/** Copies `src` into `dest` at `offset`, skipping all-zero chunks so `dest` stays sparse. */
export const copyInto = copySparse;

export const GPT_LINUX = '0FC63DAF-8483-4772-8E79-3D69D8477DE4';
export const GPT_BIOS_BOOT = '21686148-6449-6E6F-744E-656564454649';
export const GPT_EFI = 'C12A7328-F81F-11D2-BA4B-00A0C93EC93B';
export const GPT_LVM = 'E6D6D379-F507-44C2-A23C-238F2A3DF928';

export const toolVersions = (): string => run('mke2fs', ['-V']).split('\n')[0] ?? '';

/**
 * Rewrites a qemu streamOptimized VMDK into the layout a streaming writer (VMware, ovftool)
 * produces: the header's grain directory offset says "at the end", and a footer marker, a footer
 * (the header with the real offset) and an end-of-stream marker close the file.
 */
export async function vmdkGdAtEnd(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const header = Buffer.alloc(512);
    await fh.read(header, 0, 512, 0);
    const { size } = await fh.stat();
    const tail = Buffer.alloc(1536);
    tail.writeBigUInt64LE(1n, 0); // the footer marker: one sector of metadata follows
    tail.writeUInt32LE(3, 12); // type footer
    header.copy(tail, 512);
    await fh.write(tail, 0, tail.length, size);
    const atEnd = Buffer.alloc(8, 0xff);
    await fh.write(atEnd, 0, 8, 56);
  } finally {
    await fh.close();
  }
}
