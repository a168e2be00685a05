// bench/serve: API times on a 100k-image store, as ratios to a bare `select count(*)` round trip
// made in the same process (machines are noisy: only ratios are meaningful).
// Usage: node --import tsx bench/serve.ts [images=100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { buildServer } from '../src/server/app.ts';
import { createToken } from '../src/server/auth/tokens.ts';
import type { TokenTables } from '../src/server/auth/tokens.ts';
import { openStore } from '../src/store/db.ts';

const N = Number(process.argv[2] ?? 100_000);
const ACCOUNTS = 50;
const REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'];
const dir = mkdtempSync(join(tmpdir(), 'amw-bench-serve-'));
const file = join(dir, 'amiwarden.db');

function fill(): void {
  const db = new Database(file);
  const t0 = '2026-11-01T00:00:00.000Z';
  const img =
    db.prepare(`insert into images (image_id, region, owner_id, name, state, public, creation_date, tags, product_codes,
    discovered_via, describable, owner_collected, owner_facts, seen_by_account, first_seen, last_seen)
    values (?, ?, ?, ?, 'available', ?, ?, '[]', '[]', 'owned', 1, 1, 'known', ?, ?, ?)`);
  const bdm =
    db.prepare(`insert into block_device_mappings (image_id, device_name, snapshot_id, encrypted, no_device, first_seen, last_seen)
    values (?, '/dev/xvda', ?, ?, 0, ?, ?)`);
  const inst =
    db.prepare(`insert into instances (instance_id, account_id, region, image_id, state, launch_time, tags, first_seen, last_seen)
    values (?, ?, ?, ?, ?, ?, '[]', ?, ?)`);
  const perm = db.prepare(
    `insert into launch_permissions (image_id, kind, value, first_seen, last_seen) values (?, 'account', ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const id = `ami-${i.toString(16).padStart(17, '0')}`;
      const account = String(100000000000 + (i % ACCOUNTS));
      const region = REGIONS[i % REGIONS.length]!;
      const created = new Date(Date.parse('2026-11-01') - (i % 900) * 86_400_000).toISOString();
      img.run(id, region, account, `image-${i}`, i % 997 === 0 ? 1 : 0, created, account, t0, t0);
      bdm.run(id, `snap-${i.toString(16).padStart(17, '0')}`, i % 3 === 0 ? 0 : 1, t0, t0);
      if (i % 5 === 0)
        inst.run(
          `i-${i.toString(16).padStart(17, '0')}`,
          account,
          region,
          id,
          i % 10 === 0 ? 'running' : 'terminated',
          created,
          t0,
          t0,
        );
      if (i % 50 === 0) perm.run(id, String(100000000000 + ((i + 1) % ACCOUNTS)), t0, t0);
    }
  })();
  db.close();
}

async function time(label: string, runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: first-call compilation and caches
  const start = performance.now();
  for (let i = 0; i < runs; i++) await fn();
  const ms = (performance.now() - start) / runs;
  console.log(`  ${label.padEnd(46)} ${ms.toFixed(2)} ms/call`);
  return ms;
}

const store = await openStore(file);
const tf = performance.now();
fill();
console.log(`filled ${N} images in ${((performance.now() - tf) / 1000).toFixed(1)} s`);
const { token } = await createToken(store.db as unknown as Kysely<TokenTables>, 'bench', 'viewer');
const app = await buildServer({ store, target: file });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const get = async (path: string) => {
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
};
try {
  const baseline = await time('baseline: select count(*) from images (in-process)', 50, () =>
    store.db
      .selectFrom('images')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst(),
  );
  const health = await time('HTTP round trip: GET /api/health', 50, () => get('/api/health'));
  const results: [string, number][] = [
    [
      'GET /api/images (page 1, newest first)',
      await time('GET /api/images?limit=50', 20, () => get('/api/images?limit=50')),
    ],
    [
      'GET /api/images (in use, sorted by usage)',
      await time('GET /api/images?in_use=true&sort=usage', 10, () =>
        get('/api/images?in_use=true&sort=usage&order=desc&limit=50'),
      ),
    ],
    [
      'GET /api/images (text search, page 20)',
      await time('GET /api/images?q=image-99&offset=950', 10, () =>
        get('/api/images?q=image-99&offset=950&limit=50'),
      ),
    ],
    ['GET /api/overview', await time('GET /api/overview', 5, () => get('/api/overview'))],
  ];
  console.log(`\nratios (route time / bare count(*) round trip), ${N} images:`);
  console.log(`  ${'HTTP health round trip'.padEnd(46)} ${(health / baseline).toFixed(1)}x`);
  for (const [label, ms] of results)
    console.log(
      `  ${label.padEnd(46)} ${(ms / baseline).toFixed(1)}x  (${(ms / health).toFixed(1)}x an empty HTTP round trip)`,
    );
} finally {
  await app.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
