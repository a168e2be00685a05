// bench/usage: `amiwarden usage` on a collected synthetic estate (default 5k images, 50 accounts,
// 4 regions; collecting it takes about a minute on 2 cores), as ratios to a bare
// `select count(*) from image_usage` in the same process (machines are noisy: only ratios are
// meaningful). Times the busiest image, with and without --what-breaks, and every image at once
// (what `--name '*'` asks for).
// Usage: node --import tsx bench/usage.ts [--images N] [--accounts N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { openStore } from '../src/store/db.ts';
import { collectSimulatedEstate } from '../src/sim/collect-estate.ts';
import { startSimulator } from '../src/sim/index.ts';
import { generateSyntheticEstate } from '../src/sim/synthetic.ts';
import { imageUsageReports } from '../src/store/queries/usage-explain.ts';

const { values } = parseArgs({
  options: { images: { type: 'string', default: '5000' }, accounts: { type: 'string', default: '50' } },
});

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: first-call compilation and page cache
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const ms = (performance.now() - start) / runs;
  console.log(`  ${label.padEnd(44)} ${ms.toFixed(2)} ms/call`);
  return ms;
}

const sim = await startSimulator({
  seed: generateSyntheticEstate({ images: Number(values.images), accounts: Number(values.accounts) }),
});
const dir = mkdtempSync(join(tmpdir(), 'amw-bench-usage-'));
const store = await openStore(join(dir, 'bench.db'));
try {
  const t0 = performance.now();
  await collectSimulatedEstate(sim, store, { run: { concurrency: 4 } });
  console.log(`collected ${values.images} images in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const db = store.db;
  const all = (
    await db.selectFrom('images').select('image_id').where('deleted_at', 'is', null).execute()
  ).map((r) => r.image_id);
  // The image with the most references: the worst single answer.
  const busiest = await db
    .selectFrom('image_usage')
    .select(['image_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('image_id', 'is not', null)
    .groupBy('image_id')
    .orderBy('n', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
  const refs = await db
    .selectFrom('image_usage')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  console.log(`${all.length} images, ${refs.n} references; busiest ${busiest.image_id} has ${busiest.n}`);
  const opts = { asOf: new Date('2026-11-01T00:00:00Z'), staleDays: 180 };
  const base = await time('select count(*) from image_usage', 5, () =>
    db
      .selectFrom('image_usage')
      .select((eb) => eb.fn.countAll().as('n'))
      .execute(),
  );
  const one = await time('usage <busiest image>', 20, () => imageUsageReports(db, [busiest.image_id!], opts));
  const breaks = await time('usage --what-breaks <busiest image>', 20, () =>
    imageUsageReports(db, [busiest.image_id!], { ...opts, whatBreaks: true }),
  );
  const every = await time(`usage --name '*' (${all.length} images)`, 2, () =>
    imageUsageReports(db, all, { ...opts, whatBreaks: true }),
  );
  console.log('ratios to the count(*) baseline:');
  console.log(`  one image            ${(one / base).toFixed(2)}x`);
  console.log(`  one, --what-breaks   ${(breaks / base).toFixed(2)}x`);
  console.log(
    `  every image          ${(every / base).toFixed(2)}x (${((every / all.length) * 1000).toFixed(1)} µs per image)`,
  );
} finally {
  await store.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
