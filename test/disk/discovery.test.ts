import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BufferBlockDevice } from '../../src/scan/disk/block-device.ts';
import { CachedDevice } from '../../src/scan/disk/block-cache.ts';
import { assembleImage } from '../../src/scan/fs/assemble.ts';
import { assembleDisks } from '../../src/scan/sources/assemble-disks.ts';
import { buildVariant } from '../helpers/disk-variants.ts';
import { RoundDevice } from '../helpers/round-device.ts';
import { diskSkip } from '../helpers/variant-check.ts';

const mountsOf = (m: readonly { path: string; fs: { kind: string; uuid: string } }[]): string[] =>
  m.map((x) => `${x.path} ${x.fs.kind} ${x.fs.uuid}`);

/** Assembles `image` over a round-counting device: the layout found and the rounds it took. */
async function assemble(
  image: Buffer,
  parallelDiscovery: boolean,
): Promise<{ mounts: string[]; rounds: number }> {
  const dev = new RoundDevice(new BufferBlockDevice('disk', image));
  const cached = new CachedDevice(dev, { blockSize: 64 * 1024, maxBlocks: 4096 });
  const a = await assembleImage(cached, { prefetch: { enabled: false, parallelDiscovery } });
  return { mounts: mountsOf(a.mounts), rounds: dev.rounds };
}

test(
  'parallel discovery finds the same layout in fewer rounds (partitions, LVs; two disks in order)',
  { skip: diskSkip },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-discovery-'));
    try {
      const built: Buffer[] = [];
      for (const variant of ['var-partition', 'lvm'] as const) {
        const image = await readFile((await buildVariant(variant, join(work, variant))).disk);
        built.push(image);
        const serial = await assemble(image, false);
        const parallel = await assemble(image, true);
        assert.deepEqual(parallel.mounts, serial.mounts, variant);
        assert.ok(serial.mounts.length >= 2, `${variant}: ${serial.mounts.join(', ')}`);
        assert.ok(
          parallel.rounds < serial.rounds,
          `${variant}: ${parallel.rounds} rounds in parallel, ${serial.rounds} serially`,
        );
      }
      // Two disks of one image: both are assembled at once, and the root is still the first in order.
      const imgs = built;
      const roots: string[][] = [];
      for (const parallelDiscovery of [false, true]) {
        const disks = imgs.map((b, i) => ({
          device: new CachedDevice(new BufferBlockDevice(`d${i}`, b), { blockSize: 64 * 1024 }),
          name: `/dev/xvd${'ab'[i]!}`,
        }));
        const a = await assembleDisks(disks, { prefetch: { enabled: false, parallelDiscovery } });
        roots.push([a.root.vfs.label, ...mountsOf(a.root.mounts)]);
      }
      assert.deepEqual(roots[1], roots[0]);
      assert.match(roots[0]![0]!, /^d0/);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);
