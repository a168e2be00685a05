import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskToolsMissing } from '../helpers/disk-images.ts';
import { VARIANTS, buildVariant } from '../helpers/disk-variants.ts';
import { describeHostTree, describeVfsTree } from '../helpers/fixture-disk-tree.ts';
import { openFileSource } from '../../src/scan/sources/file-source.ts';

const skip = process.getuid?.() !== 0 ? 'needs root to keep owners in the fixture tree' : diskToolsMissing();

for (const variant of VARIANTS) {
  test(`file: ${variant} shows exactly the fixture tree`, { skip }, async () => {
    const work = await mkdtemp(join(tmpdir(), `amw-disk-${variant}-`));
    try {
      const built = await buildVariant(variant, work);
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
        assert.ok(expected.size > 3000, 'the tree is the big one');
      } finally {
        await source.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
}
