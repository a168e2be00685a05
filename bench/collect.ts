// Collector benchmark: a large synthetic estate (default 100k images, 50 accounts, 4 regions)
// collected over loopback HTTP with the real SDK. Prints API calls made against the floor
// (pages any complete collector needs, plus the per-image launch-permission calls that have
// no bulk form) and images per second.
// Usage: node --import tsx bench/collect.ts [--images N] [--accounts N] [--concurrency N]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openStore } from '../src/store/db.ts';
import { collectSimulatedEstate } from '../src/sim/collect-estate.ts';
import { startSimulator } from '../src/sim/index.ts';
import { generateSyntheticEstate } from '../src/sim/synthetic.ts';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '100000' },
    accounts: { type: 'string', default: '50' },
    concurrency: { type: 'string', default: '8' },
  },
});
const images = Number(values.images);
const accounts = Number(values.accounts);

const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));

const t0 = performance.now();
const state = generateSyntheticEstate({ images, accounts });
const sim = await startSimulator({ seed: state });
const dir = mkdtempSync(join(tmpdir(), 'amw-bench-'));
const store = await openStore(join(dir, 'bench.db'));
try {
  const builtMs = performance.now() - t0;
  const { plan, result, counter, setupCalls, runMs } = await collectSimulatedEstate(sim, store, {
    run: { concurrency: Number(values.concurrency) },
  });
  const seconds = runMs / 1000;

  // The floor, per account x region, from what the run stored.
  const db = store.db;
  const count = async (
    table:
      | 'images'
      | 'snapshots'
      | 'instances'
      | 'launch_templates'
      | 'launch_template_versions'
      | 'launch_configurations'
      | 'auto_scaling_groups',
    acct: string,
    region: string,
  ) => {
    const col = table === 'images' ? 'owner_id' : 'account_id';
    const r = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(col as 'region', '=', acct)
      .where('region', '=', region)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  };
  let floor = setupCalls;
  for (const a of plan.accounts) {
    if (a.roleArn) floor += 1; // one AssumeRole per member account
    for (const region of plan.regions) {
      const owned = await count('images', a.accountId, region);
      const lts = await count('launch_templates', a.accountId, region);
      floor += 2; // account settings: block public access, allowed images
      floor += pages(owned, 1000) + 1; // owned images; shared-with-us listing (one page or more)
      floor += owned; // launch permissions: one DescribeImageAttribute per owned image
      floor += pages(await count('snapshots', a.accountId, region), 1000);
      floor += pages(await count('instances', a.accountId, region), 1000);
      floor +=
        // one listing of templates, then every version of each template (one page each up to 200 versions)
        pages(lts, 200) + lts;
      floor += pages(await count('launch_configurations', a.accountId, region), 100);
      // Third-party images this scope references, looked up by id, 100 per call.
      const refs = await sql<{ n: number }>`
        select count(distinct r.image_id) as n from (
          select image_id from instances where account_id = ${a.accountId} and region = ${region}
          union select image_id from launch_template_versions where account_id = ${a.accountId} and region = ${region}
          union select image_id from launch_configurations where account_id = ${a.accountId} and region = ${region}
        ) r join images i on i.image_id = r.image_id
        where i.owner_collected = 0 and i.discovered_via = 'referenced'`.execute(db);
      const third = Number(refs.rows[0]?.n ?? 0);
      if (third > 0) floor += Math.ceil(third / 100);
      floor += pages(await count('auto_scaling_groups', a.accountId, region), 100);
    }
  }
  const total = counter.calls;
  const scopes = result.scopes.length;
  console.log(
    `estate: ${images} owned images, ${accounts} accounts, ${plan.regions.length} regions (${scopes} scopes); built in ${(builtMs / 1000).toFixed(1)} s`,
  );
  console.log(
    `run: ${result.status}, ${result.images} image rows, ${seconds.toFixed(1)} s, ${total} calls, ${counter.attempts} HTTP attempts`,
  );
  console.log(`API calls / floor: ${total} / ${floor} = ${(total / floor).toFixed(3)}`);
  console.log(
    `  (floor without per-image launch permissions: ${floor - images}; calls without them: ${total - (counter.byOperation.get('DescribeImageAttributeCommand') ?? 0)})`,
  );
  const unique = await db
    .selectFrom('images')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  // Image rows count an org-shared image once per account that sees it; unique images count it once.
  console.log(
    `images per second: ${(Number(unique.n) / seconds).toFixed(0)} unique images (${Number(unique.n)}), ${(result.images / seconds).toFixed(0)} image rows`,
  );
  const top = [...counter.byOperation.entries()].sort((x, y) => y[1] - x[1]).slice(0, 8);
  console.log(`calls by operation: ${top.map(([k, v]) => `${k.replace(/Command$/, '')}=${v}`).join(' ')}`);
} finally {
  await store.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
