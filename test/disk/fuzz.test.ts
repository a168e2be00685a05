import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskSkip } from '../helpers/variant-check.ts';
import { buildFuzzImages } from '../helpers/fuzz-images.ts';
import { PatchedDevice, exercise, fuzzImage } from '../helpers/disk-fuzz.ts';

const CASES = Number(process.env['AMW_DISK_FUZZ_CASES'] ?? 5000);

test('seeded mutations of disk structures end in a result or a clear error', { skip: diskSkip }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'amw-fuzz-'));
  try {
    const images = await buildFuzzImages(work);
    for (const [name, image] of Object.entries(images)) {
      // The clean image works, so every error below is the mutation's doing.
      assert.deepEqual(
        await exercise(new PatchedDevice(image, [], image.length, Infinity)),
        [],
        `${name} clean`,
      );
      const report = await fuzzImage(image, CASES, name.length * 7919);
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
