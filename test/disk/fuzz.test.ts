import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskSkip, imageFormatSkip } from '../helpers/variant-check.ts';
import { buildFuzzFormatImages, buildFuzzImages } from '../helpers/fuzz-images.ts';
import type { FuzzJob } from '../helpers/disk-fuzz.ts';
import { runFuzzInWorker } from '../helpers/disk-fuzz.ts';

// 2 x 4000 raw disks + 2 x 1000 qcow2/VMDK: 10 000 cases in the time 10 000 raw ones took.
const CASES = Number(process.env['AMW_DISK_FUZZ_CASES'] ?? 4000);
const FORMAT_CASES = Number(process.env['AMW_DISK_FUZZ_FORMAT_CASES'] ?? 1000);

test('seeded mutations of disk structures end in a result or a clear error', { skip: diskSkip }, async () => {
  const work = await mkdtemp(join(tmpdir(), 'amw-fuzz-'));
  try {
    const job = (name: string, image: Buffer, cases: number, format: boolean): FuzzJob => ({
      name,
      image,
      cases,
      seed: name.length * 7919,
      readBudget: 50_000,
      format,
    });
    const jobs = Object.entries(await buildFuzzImages(work)).map(([n, image]) => job(n, image, CASES, false));
    // The format's own tables (qcow2 L1/L2 and compressed clusters, VMDK grain directory, tables
    // and markers) are what these mutate besides the disk inside.
    if (!imageFormatSkip && FORMAT_CASES > 0) {
      for (const [n, image] of Object.entries(await buildFuzzFormatImages(work))) {
        jobs.push(job(n, image, FORMAT_CASES, true));
      }
    }
    // The loop runs in a worker thread: the test runner's per-promise hooks slow it several times.
    const results = await runFuzzInWorker(jobs);
    assert.deepEqual(
      results.map((r) => r.name),
      jobs.map((j) => j.name),
    );
    for (const { name, clean, report } of results) {
      // The clean image works, so every error below is the mutation's doing.
      assert.deepEqual(clean, [], `${name} clean`);
      const summary = JSON.stringify({ name, ...report, failures: report.failures.length });
      assert.equal(report.cases, jobs.find((j) => j.name === name)!.cases, summary);
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
