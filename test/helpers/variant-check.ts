import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskToolsMissing, qemuImgMissing } from './disk-images.ts';
import type { Variant } from './disk-variants.ts';
import { buildVariant } from './disk-variants.ts';
import { MANY_FILES, describeHostTree, describeVfsTree } from './fixture-disk-tree.ts';
import { openFileSource } from '../../src/scan/sources/file-source.ts';

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
