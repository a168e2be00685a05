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
import { convertImage, vmdkGdAtEnd } from '../helpers/disk-images.ts';
import type { Variant } from '../helpers/disk-variants.ts';
import { buildVariant } from '../helpers/disk-variants.ts';
import { describeVfsTree } from '../helpers/fixture-disk-tree.ts';
import { imageFormatSkip } from '../helpers/variant-check.ts';

const FIXED = () => new Date('2026-11-01T00:00:00Z');

interface Conversion {
  name: string;
  format: 'qcow2' | 'vmdk';
  compress?: boolean;
  options?: string;
  gdAtEnd?: boolean;
}

const CONVERSIONS: Conversion[] = [
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
const findings = (r: ScanResult): unknown => ({
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
    const result = await scanVfs(src.vfs, {}, undefined, FIXED);
    return { result, tree, label: src.label };
  } finally {
    await src.close();
  }
}

const vmdkType = (c: Conversion): string =>
  c.options?.includes('streamOptimized') ? 'streamOptimized' : 'monolithicSparse';

function checkFormats(variant: Variant, conversions: readonly Conversion[], hashAll: boolean): void {
  test(`${variant}: qcow2 and VMDK copies scan exactly like the raw disk`, { skip: imageFormatSkip }, async () => {
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
        assert.deepEqual(findings(got.result), findings(raw.result), `${c.name}: findings`);
        assert.equal(got.label, `file:${out} (${c.format === 'qcow2' ? 'qcow2' : `vmdk ${vmdkType(c)}`})`);

        const file = await FileBlockDevice.open(out);
        const { disk, format } = await openDiskFile(file);
        try {
          assert.equal(format, c.format);
          assert.equal(disk.size, rawSize, `${c.name}: virtual size`);
          if (hashAll) assert.equal(await sha256Disk(disk), rawHash, `${c.name}: every byte`);
        } finally {
          await disk.close?.();
        }
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}

checkFormats('ext4-gpt', CONVERSIONS, true);
checkFormats('lvm', CONVERSIONS.filter((c) => ['qcow2-compressed', 'vmdk-stream'].includes(c.name)), false);
