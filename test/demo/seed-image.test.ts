// The demo's seed-built web image must show what its tree says: `dir:` of the tree laid out on the
// host and `file:` of the image (ext4, and the same tree as XFS) give the same findings, and an image built by an unprivileged user
// (who cannot chown) gives the same findings as one built by root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openScanSource, scanVfs } from '../../src/scan/scan-image.ts';
import type { ScanResult } from '../../src/scan/scan-image.ts';
import { buildContentTree } from '../../src/sim/seed/content-tree.ts';
import { canChown, layOutTree, loadTreeSpec, mergeTrees } from '../../src/sim/seed/tree-spec.ts';
import { diskToolsMissing } from '../helpers/disk-images.ts';
import { scanFindings } from '../helpers/variant-check.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEEDS = fileURLToPath(new URL('../../src/sim/seeds/', import.meta.url));
const BUILDER = fileURLToPath(new URL('../../src/sim/seed/content-tree.ts', import.meta.url));
// The demo's acme-web-2026-10 root volume (demo.yml, snap-02100000000000008).
const WEB = { trees: ['rootfs/debian12.yml', 'rootfs/web.yml'], label: 'acme-root' };
const FIXED = () => new Date('2026-11-01T00:00:00Z');
const skip = canChown ? diskToolsMissing() : 'needs root to lay the tree out with its owners';

async function scan(spec: string): Promise<ScanResult> {
  const src = await openScanSource(spec);
  try {
    return await scanVfs(src.vfs, {}, undefined, FIXED);
  } finally {
    await src.close();
  }
}

test(
  'dir: of the web tree, file: of its seed-built ext4 and XFS images and an image built without root agree',
  { skip },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-seed-image-'));
    try {
      const tree = join(work, 'tree');
      const specs = await Promise.all(WEB.trees.map((t) => loadTreeSpec(join(SEEDS, t))));
      await layOutTree(mergeTrees(...specs.map((s) => s.spec)), tree);
      await chmod(tree, 0o755);
      const image = await buildContentTree(WEB, SEEDS, 'web', join(work, 'root-cache'));

      const fromDir = await scan(`dir:${tree}`);
      const fromImage = await scan(`file:${image}`);
      assert.equal(fromImage.completeness, 'complete');
      assert.ok(fromImage.counts.fail > 0 && fromImage.counts.pass > 50);
      assert.deepEqual(scanFindings(fromImage), scanFindings(fromDir));
      const xfs = await buildContentTree({ ...WEB, fs: 'xfs' }, SEEDS, 'web', join(work, 'root-cache'));
      assert.deepEqual(scanFindings(await scan(`file:${xfs}`)), scanFindings(fromDir));

      // The same build as nobody: owners and modes come from the spec, not from who built it.
      const nobodyCache = join(work, 'nobody-cache');
      await chmod(work, 0o777);
      const script = `import { buildContentTree } from ${JSON.stringify(BUILDER)};
      process.stdout.write(await buildContentTree(${JSON.stringify(WEB)}, ${JSON.stringify(SEEDS)}, 'web', ${JSON.stringify(nobodyCache)}));`;
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', script],
        { uid: 65534, gid: 65534, env: { PATH: process.env.PATH ?? '', HOME: work }, cwd: ROOT },
      );
      assert.ok(stdout.startsWith(nobodyCache), stdout);
      const fromNobody = await scan(`file:${stdout}`);
      assert.deepEqual(scanFindings(fromNobody), scanFindings(fromImage));
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);
