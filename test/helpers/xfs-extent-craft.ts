import { execFileSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FULL_FORK, INODE_CORE, INODE_SIZE, bmbtShape, buildDataFork } from './xfs-bmbt-writer.ts';

/**
 * XFS images whose regular files have many extents, holes and unwritten extents, built without
 * root or mounting. mkfs.xfs 6.1 lays every protofile file out in one extent (and corrupts the
 * image when it cannot), so each file is written packed (its extents' blocks, in a shuffled
 * physical order, then room for its B+tree blocks); the inode's data fork and the tree blocks are
 * then rewritten in place and their CRCs recomputed with `xfs_db -x "crc -r"`. Every built image
 * must pass `xfs_repair -n`.
 */

export interface PlannedExtent {
  /** File block where the extent starts. */
  readonly startoff: number;
  readonly count: number;
  /** Preallocated but never written: reads as zeros whatever the blocks hold. */
  readonly unwritten?: boolean;
}

export interface CraftSpec {
  /** Path inside the image ("/d1/frag"); parents are created as directories. */
  readonly path: string;
  readonly extents: readonly PlannedExtent[];
  /** Byte size; past the last extent is a trailing hole. */
  readonly size: number;
  /**
   * On an nrext64 filesystem: clear the inode's NREXT64 flag and keep the 32-bit extent count,
   * as inodes written before `xfs_repair -c nrext64=1` upgraded the filesystem are.
   */
  readonly legacyCounts?: boolean;
  /**
   * A `security.*` extended attribute kept in the inode (as SELinux labels are on Amazon Linux):
   * the attribute fork takes the end of the inode and the data fork shrinks.
   */
  readonly securityXattr?: { readonly name: string; readonly value: string };
}

export interface CraftedFile {
  readonly path: string;
  readonly ino: number;
  /** The bytes the file holds (holes and unwritten extents as zeros). */
  readonly expected: Buffer;
  /** Physical filesystem block of each planned extent, in plan order. */
  readonly startblocks: readonly number[];
  /** The B+tree's blocks below the root, leaves first. */
  readonly treeBlocks: readonly number[];
  /** Levels below the root in the inode (0: extent list). */
  readonly levels: number;
  readonly format: 'extents' | 'btree';
}

export interface CraftOptions {
  readonly uuid: string;
  readonly sizeMiB: number;
  readonly blockSize?: 1024 | 4096;
  readonly sectorSize?: 512 | 4096;
  /** AG size in blocks; one that is not a power of two makes block numbers differ from positions. */
  readonly agBlocks?: number;
  /** mkfs.xfs -i nrext64=1: 64-bit data-fork extent counts in new inodes. */
  readonly nrext64?: boolean;
  readonly seed?: number;
}

const ENV = {
  ...process.env,
  PATH: `${process.env['PATH'] ?? ''}:/usr/sbin:/sbin`,
  TEST_DIR: '1',
  TEST_DEV: '1',
  QA_CHECK_FS: '1',
};
const run = (cmd: string, args: string[]): string =>
  execFileSync(cmd, args, { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** `xfs_db` with one -c per command; `-x` when writing. */
export const xfsDb = (img: string, cmds: readonly string[], write = false): string =>
  run('xfs_db', [write ? '-x' : '-r', ...cmds.flatMap((c) => ['-c', c]), img]);

const FILLER = 0xa5;
const NREXT64 = 0x10n;

/** Deterministic bytes (xorshift32) so a failure reproduces. */
function noise(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Fisher-Yates with the same generator: the order extents take on disk. */
function shuffled(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  const r = noise(seed, n * 4);
  for (let i = n - 1; i > 0; i--) {
    const j = r.readUInt32LE(i * 4) % (i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** The short-form attribute fork of a spec's xattr, and the data fork size that leaves. */
function attrFork(spec: CraftSpec): { bytes: Buffer; forkSize: number } {
  const x = spec.securityXattr;
  if (!x) return { bytes: Buffer.alloc(0), forkSize: FULL_FORK };
  const name = Buffer.from(x.name);
  const value = Buffer.from(x.value);
  const total = 4 + 3 + name.length + value.length;
  const bytes = Buffer.alloc(Math.ceil(total / 8) * 8);
  bytes.writeUInt16BE(total, 0);
  bytes[2] = 1; // one entry
  bytes[4] = name.length;
  bytes[5] = value.length;
  bytes[6] = 0x4; // the security namespace
  name.copy(bytes, 7);
  value.copy(bytes, 7 + name.length);
  return { bytes, forkSize: FULL_FORK - bytes.length };
}

function checkPlan(spec: CraftSpec, blockSize: number): void {
  let end = 0;
  for (const e of spec.extents) {
    if (e.startoff < end || e.count < 1) throw new Error(`${spec.path}: extents overlap`);
    end = e.startoff + e.count;
  }
  if (spec.size <= (end - 1) * blockSize) throw new Error(`${spec.path}: size ends before the last extent`);
}

interface Planned {
  spec: CraftSpec;
  expected: Buffer;
  packed: Buffer;
  /** Position (in blocks) of each planned extent inside the packed file. */
  slots: number[];
  dataBlocks: number;
  treeBlocks: number;
}

function plan(spec: CraftSpec, bs: number, seed: number): Planned {
  checkPlan(spec, bs);
  const expected = Buffer.alloc(spec.size);
  const bytes = spec.extents.map((e, i) => {
    if (e.unwritten) return Buffer.alloc(e.count * bs, FILLER);
    const data = noise(seed * 7919 + i + 1, e.count * bs);
    data.copy(expected, e.startoff * bs, 0, Math.max(0, Math.min(data.length, spec.size - e.startoff * bs)));
    return data;
  });
  const order = shuffled(spec.extents.length, seed);
  const slots: number[] = [];
  let at = 0;
  for (const i of order) {
    slots[i] = at;
    at += spec.extents[i]!.count;
  }
  const treeBlocks = bmbtShape(spec.extents.length, bs, attrFork(spec).forkSize).reduce((a, b) => a + b, 0);
  const packed = Buffer.concat([...order.map((i) => bytes[i]!), Buffer.alloc(treeBlocks * bs)]);
  return { spec, expected, packed, slots, dataBlocks: at, treeBlocks };
}

/** The protofile: every crafted file (and /etc/os-release, so `file:` finds a root) under its parents. */
function protofile(files: readonly { path: string; src: string }[]): string {
  interface Dir {
    dirs: Map<string, Dir>;
    files: string[];
  }
  const root: Dir = { dirs: new Map(), files: [] };
  for (const f of files) {
    const parts = f.path.split('/').filter(Boolean);
    let d = root;
    for (const p of parts.slice(0, -1)) {
      if (!d.dirs.has(p)) d.dirs.set(p, { dirs: new Map(), files: [] });
      d = d.dirs.get(p)!;
    }
    d.files.push(`${parts.at(-1)!} ---644 0 0 ${f.src}`);
  }
  const lines = ['/unused-boot-image', '0 0', 'd--755 0 0'];
  const emit = (d: Dir): void => {
    lines.push(...d.files);
    for (const [name, sub] of d.dirs) {
      lines.push(`${name} d--755 0 0`);
      emit(sub);
      lines.push('$');
    }
  };
  emit(root);
  lines.push('$');
  return lines.join('\n') + '\n';
}

const num = (text: string, re: RegExp): number => {
  const m = re.exec(text);
  if (!m) throw new Error(`xfs_db output lacks ${re}: ${text.slice(0, 300)}`);
  return Number(m[1]);
};

/** Builds `image` (a bare XFS filesystem) holding the crafted files; returns what each holds. */
export async function buildFragmentedXfs(
  work: string,
  image: string,
  specs: readonly CraftSpec[],
  o: CraftOptions,
): Promise<CraftedFile[]> {
  const bs = o.blockSize ?? 4096;
  const plans = specs.map((s, i) => plan(s, bs, (o.seed ?? 1) * 1000 + i));
  const sources: { path: string; src: string }[] = [];
  for (const [i, p] of plans.entries()) {
    const src = join(work, `packed-${i}`);
    await writeFile(src, p.packed);
    sources.push({ path: p.spec.path, src });
  }
  const osRelease = join(work, 'os-release');
  await writeFile(osRelease, 'ID=amzn\nVERSION_ID="2023"\nNAME="Amazon Linux"\n');
  sources.push({ path: '/etc/os-release', src: osRelease });
  await writeFile(`${image}.proto`, protofile(sources));

  run('truncate', ['-s', `${o.sizeMiB}M`, image]);
  const data = [`agsize=${(o.agBlocks ?? 0) * bs}`].filter(() => o.agBlocks !== undefined);
  run('mkfs.xfs', [
    ...['-f', '-q', '-m', `uuid=${o.uuid}`, '-b', `size=${bs}`],
    ...['-i', `size=${INODE_SIZE},nrext64=${o.nrext64 ? 1 : 0}`],
    ...['-s', `size=${o.sectorSize ?? 512}`, ...data.flatMap((d) => ['-d', d])],
    ...['-p', `${image}.proto`, image],
  ]);

  const out: CraftedFile[] = [];
  const crc: string[] = [];
  const fh = await open(image, 'r+');
  try {
    for (const p of plans) {
      const bmap = xfsDb(image, [`path ${p.spec.path}`, 'inode', 'bmap']);
      const ino = num(bmap, /current inode number is (\d+)/);
      const start = num(bmap, /^data offset 0 startblock (\d+) /m);
      if (
        (bmap.match(/^data offset/gm) ?? []).length !== 1 ||
        !bmap.includes(`count ${p.packed.length / bs} `)
      ) {
        throw new Error(`mkfs.xfs did not lay ${p.spec.path} out in one extent: ${bmap}`);
      }
      const startblocks = p.slots.map((s) => start + s);
      const free = Array.from({ length: p.treeBlocks }, (_, j) => start + p.dataBlocks + j);
      // One xfs_db for every address: the inode's byte, then each tree block's.
      const addrs = xfsDb(image, [
        `convert inode ${ino} byte`,
        ...free.map((f) => `convert fsblock ${f} byte`),
      ]);
      const [inodeAt, ...blockAt] = [...addrs.matchAll(/\((\d+)\)/g)].map((m) => Number(m[1]));
      if (inodeAt === undefined || blockAt.length !== free.length)
        throw new Error(`xfs_db convert: ${addrs}`);
      const byteOf = (fsb: number): number => blockAt[free.indexOf(fsb)]!;
      const attr = attrFork(p.spec);
      const df = buildDataFork(
        p.spec.extents.map((e, i) => ({
          ...e,
          startblock: startblocks[i]!,
          unwritten: e.unwritten === true,
        })),
        {
          blockSize: bs,
          free,
          ino,
          uuid: o.uuid,
          daddrOf: (fsb) => byteOf(fsb) / 512,
          forkSize: attr.forkSize,
        },
      );
      for (const b of df.blocks) await fh.write(b.data, 0, bs, byteOf(b.fsb));
      const head = Buffer.alloc(INODE_CORE);
      await fh.read(head, 0, INODE_CORE, inodeAt);
      head[5] = df.format === 'extents' ? 2 : 3;
      head.writeBigUInt64BE(BigInt(p.spec.size), 56);
      let flags2 = head.readBigUInt64BE(120);
      if (p.spec.legacyCounts) flags2 &= ~NREXT64;
      head.writeBigUInt64BE(flags2, 120);
      // The 64-bit count replaces the v3 padding; the 32-bit field then counts attribute extents.
      const big = (flags2 & NREXT64) !== 0n;
      head.writeBigUInt64BE(big ? BigInt(p.spec.extents.length) : 0n, 24);
      head.writeUInt32BE(big ? 0 : p.spec.extents.length, 76);
      if (attr.forkSize !== FULL_FORK) {
        head[82] = attr.forkSize / 8;
        head[83] = 1; // attribute fork format: local
      }
      await fh.write(head, 0, INODE_CORE, inodeAt);
      await fh.write(Buffer.concat([df.fork, attr.bytes]), 0, FULL_FORK, inodeAt + INODE_CORE);
      await fh.sync();
      crc.push(
        `inode ${ino}`,
        'crc -r',
        ...df.blocks.flatMap((b) => [`fsblock ${b.fsb}`, 'type bmapbtd', 'crc -r']),
      );
      out.push({
        path: p.spec.path,
        ino,
        expected: p.expected,
        startblocks,
        treeBlocks: df.blocks.map((b) => b.fsb),
        levels: df.levels,
        format: df.format,
      });
    }
  } finally {
    await fh.close();
  }
  xfsDb(image, crc, true);
  const check = execFileSync('sh', ['-c', 'xfs_repair -n -o force_geometry "$0" 2>&1; echo "rc=$?"', image], {
    env: ENV,
  }).toString();
  if (!check.trimEnd().endsWith('rc=0'))
    throw new Error(`xfs_repair -n rejects the crafted image:\n${check}`);
  return out;
}
