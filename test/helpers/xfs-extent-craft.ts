import { execFileSync } from 'node:child_process';
import { open, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * XFS images whose regular files have many extents, holes and unwritten extents, built without
 * root or mounting. mkfs.xfs 6.1 lays every protofile file out in one extent (and corrupts the
 * image when it cannot), so each file is written packed (its extents' blocks, in a shuffled
 * physical order, then room for its B+tree leaves); the inode's data fork and the leaf blocks are
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
}

export interface CraftedFile {
  readonly path: string;
  readonly ino: number;
  /** The bytes the file holds (holes and unwritten extents as zeros). */
  readonly expected: Buffer;
  /** Physical filesystem block of each planned extent, in plan order. */
  readonly startblocks: readonly number[];
  readonly leafBlocks: readonly number[];
  readonly format: 'extents' | 'btree';
}

export interface CraftOptions {
  readonly uuid: string;
  readonly sizeMiB: number;
  readonly blockSize?: 1024 | 4096;
  readonly sectorSize?: 512 | 4096;
  /** AG size in blocks; one that is not a power of two makes block numbers differ from positions. */
  readonly agBlocks?: number;
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

const INODE_SIZE = 512;
const CORE = 176;
const FORK = INODE_SIZE - CORE;
const IN_INODE_MAX = FORK / 16;
const ROOT_MAX = Math.floor((FORK - 4) / 16);
const LEAF_HEADER = 72;
const FILLER = 0xa5;

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

/** One 128-bit bmbt record: flag(1) startoff(54) startblock(52) blockcount(21), big-endian. */
function packExtent(b: Buffer, at: number, startoff: number, startblock: number, e: PlannedExtent): void {
  const sb = BigInt(startblock);
  const hi = (e.unwritten ? 1n << 63n : 0n) | (BigInt(startoff) << 9n) | (sb >> 43n);
  const lo = ((sb & ((1n << 43n) - 1n)) << 21n) | BigInt(e.count);
  b.writeBigUInt64BE(hi, at);
  b.writeBigUInt64BE(lo, at + 8);
}

function leafCount(n: number, blockSize: number): number {
  if (n <= IN_INODE_MAX) return 0;
  const max = (blockSize - LEAF_HEADER) / 16;
  const leaves = Math.ceil(n / max);
  // Non-root bmbt blocks must be at least half full, or xfs_repair rejects the tree.
  if (leaves > 1 && Math.floor(n / leaves) < Math.floor(max / 2)) throw new Error(`${n} extents`);
  if (leaves > ROOT_MAX) throw new Error(`${n} extents need a taller tree than this builder makes`);
  return leaves;
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
  leaves: number;
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
  const leaves = leafCount(spec.extents.length, bs);
  const packed = Buffer.concat([...order.map((i) => bytes[i]!), Buffer.alloc(leaves * bs)]);
  return { spec, expected, packed, slots, dataBlocks: at, leaves };
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
    ...['-f', '-q', '-m', `uuid=${o.uuid}`, '-b', `size=${bs}`, '-i', `size=${INODE_SIZE}`],
    ...['-s', `size=${o.sectorSize ?? 512}`, ...data.flatMap((d) => ['-d', d])],
    ...['-p', `${image}.proto`, image],
  ]);

  const out: CraftedFile[] = [];
  const fh = await open(image, 'r+');
  try {
    for (const p of plans) {
      const db = (...c: string[]): string => xfsDb(image, [`path ${p.spec.path}`, ...c]);
      const ino = num(db('inode'), /current inode number is (\d+)/);
      const bmap = db('bmap');
      const start = num(bmap, /^data offset 0 startblock (\d+) /m);
      if (
        (bmap.match(/^data offset/gm) ?? []).length !== 1 ||
        !bmap.includes(`count ${p.packed.length / bs} `)
      ) {
        throw new Error(`mkfs.xfs did not lay ${p.spec.path} out in one extent: ${bmap}`);
      }
      const byteOf = (fsb: number): number => num(xfsDb(image, [`convert fsblock ${fsb} byte`]), /\((\d+)\)/);
      const startblocks = p.slots.map((s) => start + s);
      const leafBlocks = Array.from({ length: p.leaves }, (_, j) => start + p.dataBlocks + j);

      const fork = Buffer.alloc(FORK);
      const ext = p.spec.extents;
      if (p.leaves === 0) {
        ext.forEach((e, i) => packExtent(fork, i * 16, e.startoff, startblocks[i]!, e));
      } else {
        fork.writeUInt16BE(1, 0);
        fork.writeUInt16BE(p.leaves, 2);
        const per = Math.ceil(ext.length / p.leaves);
        for (let j = 0; j < p.leaves; j++) {
          const recs = ext.slice(j * per, (j + 1) * per);
          fork.writeBigUInt64BE(BigInt(recs[0]!.startoff), 4 + j * 8);
          fork.writeBigUInt64BE(BigInt(leafBlocks[j]!), 4 + ROOT_MAX * 8 + j * 8);
          const at = byteOf(leafBlocks[j]!);
          const leaf = Buffer.alloc(bs);
          leaf.writeUInt32BE(0x424d4133, 0); // "BMA3"
          leaf.writeUInt16BE(0, 4);
          leaf.writeUInt16BE(recs.length, 6);
          const NULL = 0xffffffffffffffffn;
          leaf.writeBigUInt64BE(j > 0 ? BigInt(leafBlocks[j - 1]!) : NULL, 8);
          leaf.writeBigUInt64BE(j < p.leaves - 1 ? BigInt(leafBlocks[j + 1]!) : NULL, 16);
          leaf.writeBigUInt64BE(BigInt(at / 512), 24);
          Buffer.from(o.uuid.replace(/-/g, ''), 'hex').copy(leaf, 40);
          leaf.writeBigUInt64BE(BigInt(ino), 56);
          recs.forEach((e, k) =>
            packExtent(leaf, LEAF_HEADER + k * 16, e.startoff, startblocks[j * per + k]!, e),
          );
          await fh.write(leaf, 0, bs, at);
        }
      }
      const inodeAt = num(xfsDb(image, [`convert inode ${ino} byte`]), /\((\d+)\)/);
      const head = Buffer.alloc(CORE);
      await fh.read(head, 0, CORE, inodeAt);
      head[5] = p.leaves === 0 ? 2 : 3;
      head.writeBigUInt64BE(BigInt(p.spec.size), 56);
      head.writeUInt32BE(ext.length, 76);
      await fh.write(head, 0, CORE, inodeAt);
      await fh.write(fork, 0, FORK, inodeAt + CORE);
      await fh.sync();
      xfsDb(
        image,
        [`inode ${ino}`, 'crc -r', ...leafBlocks.flatMap((b) => [`fsblock ${b}`, 'type bmapbtd', 'crc -r'])],
        true,
      );
      out.push({
        path: p.spec.path,
        ino,
        expected: p.expected,
        startblocks,
        leafBlocks,
        format: p.leaves === 0 ? 'extents' : 'btree',
      });
    }
  } finally {
    await fh.close();
  }
  const check = execFileSync('sh', ['-c', 'xfs_repair -n -o force_geometry "$0" 2>&1; echo "rc=$?"', image], {
    env: ENV,
  }).toString();
  if (!check.trimEnd().endsWith('rc=0'))
    throw new Error(`xfs_repair -n rejects the crafted image:\n${check}`);
  return out;
}
