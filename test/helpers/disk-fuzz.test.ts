import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { diskSkip } from './variant-check.ts';
import { buildFuzzImages } from './fuzz-images.ts';
import { fuzzImage, runFuzzInWorker } from './disk-fuzz.ts';

test(
  'the fuzz loop in a worker reports what it reports in process, failures with case and stack',
  { skip: diskSkip },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-fuzz-worker-'));
    try {
      const { gpt } = await buildFuzzImages(work);
      const job = { name: 'gpt', image: gpt, cases: 60, seed: 42, readBudget: 50_000, format: false };
      const [same, starved] = await runFuzzInWorker([job, { ...job, name: 'starved', readBudget: 3 }]);
      assert.equal(same!.name, 'gpt');
      assert.deepEqual(same!.clean, []);
      const local = await fuzzImage(gpt, 60, 42);
      assert.deepEqual(same!.report.outcomes, local.outcomes);
      assert.equal(same!.report.maxReads, local.maxReads);
      assert.deepEqual(same!.report.failures, []);
      // A read budget the readers cannot meet: a plain Error, so an unclear failure with its details.
      // (a few mutations end in a clear error within three reads)
      assert.ok(starved!.report.failures.length >= 50, `${starved!.report.failures.length} failures`);
      for (const f of starved!.report.failures) assert.match(f.message, /read budget of 3 exceeded/);
      assert.deepEqual(
        starved!.report.failures.slice(0, 3).map((f) => f.case),
        [0, 1, 2],
      );
      assert.match(
        starved!.report.failures[0]!.message,
        /read budget of 3 exceeded\n\s+at PatchedDevice\.read/,
      );
      // The first failing cases are written out, so they can be replayed whatever mkfs gives next run.
      const kept = starved!.report.failures.map((f) => f.image);
      assert.equal(kept.slice(3).filter(Boolean).length, 0, 'only the first three are kept');
      for (const path of kept.slice(0, 3)) {
        assert.ok(path && path.includes('-seed-42-case-'), String(path));
        const bytes = await readFile(path);
        assert.ok(bytes.length > 0 && bytes.length <= gpt.length, path);
        await rm(path);
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);

test('an image whose clean run fails rejects with the error', async () => {
  const job = { name: 'tiny', image: new Uint8Array(10), cases: 5, seed: 1, readBudget: 100, format: false };
  await assert.rejects(runFuzzInWorker([job]), /too small to hold a disk/);
});
