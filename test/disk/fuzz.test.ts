import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDiskFile } from '../../src/scan/sources/file-source.ts';
import type { BlockDevice } from '../../src/scan/disk/block-device.ts';
import { diskSkip, imageFormatSkip } from '../helpers/variant-check.ts';
import { buildFuzzFormatImages, buildFuzzImages } from '../helpers/fuzz-images.ts';
import type { OpenDisk } from '../helpers/disk-fuzz.ts';
import { PatchedDevice, exercise, fuzzImage } from '../helpers/disk-fuzz.ts';

// 2 x 4000 raw disks + 2 x 1000 qcow2/VMDK: 10 000 cases in the time 10 000 raw ones took.
const CASES = Number(process.env['AMW_DISK_FUZZ_CASES'] ?? 4000);
const FORMAT_CASES = Number(process.env['AMW_DISK_FUZZ_FORMAT_CASES'] ?? 1000);
const openFormat: OpenDisk = async (file: BlockDevice) => (await openDiskFile(file)).disk;

test('seeded mutations of disk structures end in a result or a clear error', { skip: diskSkip }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'amw-fuzz-'));
  try {
    const images: Record<string, [Buffer, number, OpenDisk | undefined]> = {};
    for (const [name, image] of Object.entries(await buildFuzzImages(work))) {
      images[name] = [image, CASES, undefined];
    }
    // The format's own tables (qcow2 L1/L2 and compressed clusters, VMDK grain directory, tables
    // and markers) are what these mutate besides the disk inside.
    if (!imageFormatSkip && FORMAT_CASES > 0) {
      for (const [name, image] of Object.entries(await buildFuzzFormatImages(work))) {
        images[name] = [image, FORMAT_CASES, openFormat];
      }
    }
    for (const [name, [image, cases, open]] of Object.entries(images)) {
      // The clean image works, so every error below is the mutation's doing.
      assert.deepEqual(
        await exercise(new PatchedDevice(image, [], image.length, Infinity), open),
        [],
        `${name} clean`,
      );
      const report = await fuzzImage(image, cases, name.length * 7919, 50_000, open);
      const summary = JSON.stringify({ name, ...report, failures: report.failures.length });
      assert.deepEqual(report.failures.slice(0, 3), [], summary);
      assert.ok(Object.keys(report.outcomes).length > 2, `mutations must hit structures: ${summary}`);
      assert.ok(report.maxCaseMs < 5000, `a case took ${report.maxCaseMs} ms: ${summary}`);
      assert.ok(report.maxReads < 50_000, summary);
      assert.ok(report.peakHeapMiB < 1024, summary);
      console.log(summary);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
});
