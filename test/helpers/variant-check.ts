import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockDevice } from '../../src/scan/disk/block-device.ts';
import { FileBlockDevice } from '../../src/scan/disk/block-device.ts';
import { scanVfs } from '../../src/scan/scan-image.ts';
import type { ScanResult } from '../../src/scan/scan-image.ts';
import { openDiskFile, openFileSource } from '../../src/scan/sources/file-source.ts';
import { convertImage, diskToolsMissing, qemuImgMissing, vmdkGdAtEnd } from './disk-images.ts';
import type { Variant } from './disk-variants.ts';
import { buildVariant } from './disk-variants.ts';
import { MANY_FILES, describeHostTree, describeVfsTree } from './fixture-disk-tree.ts';

export const diskSkip =
  process.getuid?.() !== 0 ? 'needs root to keep owners in the fixture tree' : diskToolsMissing();

/**
 * Registers one test per variant: the `file:` source must show exactly the tree the image was
 * built from, and a couple of lookups must read only a small part of the disk.
 */
export function checkVariants(variants: readonly Variant[]): void {
  for (const variant of variants) {
    test(`file: ${variant} shows exactly the fixture tree`, { skip: diskSkip }, async () => {
      const work = await mkdtemp(join(tmpdir(), `amw-disk-${variant}-`));
      try {
        const built = await buildVariant(variant, work);

        const lookup = await openFileSource(`file:${built.disk}`);
        try {
          const shadow = await lookup.vfs.stat('/etc/shadow');
          assert.equal(shadow.type, 'file');
          assert.match((await lookup.vfs.readFile('/etc/os-release')).toString(), /^ID=/m);
          const share = lookup.stats.bytes / lookup.size;
          assert.ok(share < 0.02, `stat + read touched ${lookup.stats.bytes} of ${lookup.size} bytes`);
        } finally {
          await lookup.close();
        }

        const expected = await describeHostTree(built.tree, built.mtimes);
        const source = await openFileSource(`file:${built.disk}`);
        try {
          const actual = await describeVfsTree(source.vfs, built.mtimes);
          const diffs: string[] = [];
          for (const [p, want] of expected) {
            const got = actual.get(p);
            if (!got) diffs.push(`missing ${p}`);
            else if (JSON.stringify(got) !== JSON.stringify(want)) {
              diffs.push(`${p}: want ${JSON.stringify(want)} got ${JSON.stringify(got)}`);
            }
          }
          for (const p of actual.keys()) if (!expected.has(p)) diffs.push(`extra ${p}`);
          assert.deepEqual(diffs.slice(0, 20), [], `${diffs.length} differences`);
          assert.ok(expected.size > MANY_FILES, 'the tree is the big one');
        } finally {
          await source.close();
        }
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    });
  }
}

/** qcow2/VMDK tests need the disk tools and qemu-img. */
export const imageFormatSkip = diskSkip ?? qemuImgMissing();

const FIXED_NOW = () => new Date('2026-11-01T00:00:00Z');

export interface Conversion {
  name: string;
  format: 'qcow2' | 'vmdk';
  compress?: boolean;
  options?: string;
  gdAtEnd?: boolean;
}

export const CONVERSIONS: readonly Conversion[] = [
  { name: 'qcow2', format: 'qcow2' },
  { name: 'qcow2-compressed', format: 'qcow2', compress: true },
  { name: 'qcow2-4k-compat0.10', format: 'qcow2', options: 'cluster_size=4096,compat=0.10' },
  { name: 'qcow2-2m', format: 'qcow2', options: 'cluster_size=2M,compat=1.1' },
  { name: 'qcow2-2m-compressed', format: 'qcow2', compress: true, options: 'cluster_size=2M' },
  { name: 'qcow2-extended-l2', format: 'qcow2', options: 'extended_l2=on,cluster_size=128k' },
  { name: 'vmdk-stream', format: 'vmdk', options: 'subformat=streamOptimized' },
  { name: 'vmdk-stream-gd-at-end', format: 'vmdk', options: 'subformat=streamOptimized', gdAtEnd: true },
  { name: 'vmdk-sparse', format: 'vmdk', options: 'subformat=monolithicSparse' },
];

/** What a scan found, without timings or the source's name. */
export const scanFindings = (r: ScanResult): unknown => ({
  os: r.os,
  packages: r.packages,
  controls: r.controls,
  counts: r.counts,
  completeness: r.completeness,
  gaps: r.gaps,
});

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** The whole virtual disk, read in 4 MiB steps (8 at once), hashed. */
async function sha256Disk(disk: BlockDevice): Promise<string> {
  const h = createHash('sha256');
  const step = 4 * 1024 * 1024;
  for (let at = 0; at < disk.size; at += 8 * step) {
    const parts: Promise<Buffer>[] = [];
    for (let p = at; p < Math.min(disk.size, at + 8 * step); p += step) {
      parts.push(disk.read(p, Math.min(step, disk.size - p)));
    }
    for (const b of await Promise.all(parts)) h.update(b);
  }
  return h.digest('hex');
}

async function scanFile(path: string): Promise<{ result: ScanResult; tree: unknown; label: string }> {
  const src = await openFileSource(`file:${path}`);
  try {
    const tree = Object.fromEntries(await describeVfsTree(src.vfs, false));
    const result = await scanVfs(src.vfs, {}, undefined, FIXED_NOW);
    return { result, tree, label: src.label };
  } finally {
    await src.close();
  }
}

const vmdkType = (c: Conversion): string =>
  c.options?.includes('streamOptimized') ? 'streamOptimized' : 'monolithicSparse';

/**
 * Registers one test: each conversion of the variant's raw disk (qemu-img) must show the same tree
 * and give the same scan findings as the raw disk; those named in `hashed` must also read back
 * byte for byte.
 */
export function checkFormats(
  variant: Variant,
  names: readonly string[],
  hashed: readonly string[] = [],
): void {
  const conversions = names.map((n) => {
    const c = CONVERSIONS.find((x) => x.name === n);
    if (!c) throw new Error(`no conversion ${n}`);
    return c;
  });
  test(
    `${variant}: qcow2 and VMDK copies scan exactly like the raw disk`,
    { skip: imageFormatSkip },
    async () => {
      const work = await mkdtemp(join(tmpdir(), `amw-formats-${variant}-`));
      try {
        const built = await buildVariant(variant, join(work, 'v'));
        const raw = await scanFile(built.disk);
        assert.ok(raw.result.counts.total > 10, `a real scan (${raw.result.counts.total} controls)`);
        const rawHash = await sha256File(built.disk);
        const rawSize = (await stat(built.disk)).size;
        for (const c of conversions) {
          const out = join(work, `${c.name}.${c.format}`);
          convertImage(built.disk, out, c.format, { compress: c.compress, options: c.options });
          if (c.gdAtEnd) await vmdkGdAtEnd(out);

          const got = await scanFile(out);
          assert.deepEqual(got.tree, raw.tree, `${c.name}: tree`);
          assert.deepEqual(scanFindings(got.result), scanFindings(raw.result), `${c.name}: findings`);
          assert.equal(got.label, `file:${out} (${c.format === 'qcow2' ? 'qcow2' : `vmdk ${vmdkType(c)}`})`);

          const file = await FileBlockDevice.open(out);
          const { disk, format } = await openDiskFile(file);
          try {
            assert.equal(format, c.format);
            assert.equal(disk.size, rawSize, `${c.name}: virtual size`);
            if (hashed.includes(c.name))
              assert.equal(await sha256Disk(disk), rawHash, `${c.name}: every byte`);
          } finally {
            await disk.close?.();
          }
        }
      } finally {
        await rm(work, { recursive: true, force: true });
      }
    },
  );
}
