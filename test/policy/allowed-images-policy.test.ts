// Policies on the allowed-images estate (test/fixtures/seeds/allowed-images.yml): ImageAllowed as
// each resource's own account-region was told, and the allowed-images filter with each
// account-region's collected criteria, on SQLite and on PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runCli } from '../../src/cli/testing.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import type { Simulation } from '../../src/policy/allowed-images/simulate.ts';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { ROOT } from './harness.ts';

const NOW = '2026-11-01T00:00:00Z';
const DEV = '300000000002';
const DEV_BASE = 'ami-0d200000000000001'; // dev us-east-1 (audit mode)
const DEV_COPY = 'ami-0d200000000000101'; // dev eu-west-1 (setting disabled)
const GOLDEN = 'ami-0e200000000000001'; // prod us-east-1 (enabled), in use in dev

const POLICIES = `policies:
  - name: all
    resource: aws.ami
  - name: allowed-false
    resource: aws.ami
    filters: [{ type: value, key: ImageAllowed, value: false }]
  - name: allowed-true
    resource: aws.ami
    filters: [{ type: value, key: ImageAllowed, value: true }]
  - name: allowed-absent
    resource: aws.ami
    filters: [{ type: value, key: ImageAllowed, value: absent }]
  - name: blocked-collected
    resource: aws.ami
    filters: [{ type: allowed-images }]
`;

announceSkips();
const estate = withCollectedEstate(join(ROOT, 'test/fixtures/seeds/allowed-images.yml'), { now: NOW });

type Resource = Record<string, unknown> & { ImageId: string };

/** Runs the policies against a store; policy -> matched resources. */
async function runPolicies(db: string, out: string): Promise<Record<string, Resource[]>> {
  const file = estate.write('policies.yml', POLICIES);
  const rc = await estate.cli(
    'run',
    '-p',
    file,
    '--db',
    db,
    '--endpoint',
    estate.sim.url,
    '--now',
    NOW,
    '--quiet',
    '--dryrun',
    '-s',
    out,
  );
  assert.equal(rc, 0);
  const names = ['all', 'allowed-false', 'allowed-true', 'allowed-absent', 'blocked-collected'];
  return Object.fromEntries(
    names.map((n) => [n, JSON.parse(readFileSync(join(out, n, 'resources.json'), 'utf8')) as Resource[]]),
  );
}

const ids = (rs: readonly Resource[]) => rs.map((r) => r.ImageId).sort();

async function simulatedBlocked(db: string): Promise<Simulation> {
  const r = await runCli(['allowed-images', 'simulate', '--db', db, '--now', NOW, '-f', 'json']);
  assert.equal(r.code, 4, r.stderr);
  return JSON.parse(r.stdout) as Simulation;
}

/** The images simulate lists as blocked, and where, restricted to the policies' resources. */
function blockedWhere(sim: Simulation, resources: readonly Resource[]): Record<string, string[]> {
  const mine = new Set(ids(resources));
  const out: Record<string, string[]> = {};
  for (const s of sim.scopes)
    for (const b of s.blocked)
      if (mine.has(b.imageId)) (out[b.imageId] ??= []).push(`${s.accountId}/${s.region}`);
  return out;
}

function annotatedWhere(matched: readonly Resource[]): Record<string, string[]> {
  return Object.fromEntries(
    matched.map((r) => [r.ImageId, (r['amw:allowed-images'] as { where: string }[]).map((x) => x.where)]),
  );
}

test("ImageAllowed is what the resource's own account-region was told, never another viewer's", async () => {
  const m = await runPolicies(estate.db, join(estate.dir, 'out'));
  // policy resources are the images collected accounts own
  assert.deepEqual(ids(m.all!), [DEV_BASE, DEV_COPY, GOLDEN]);
  // dev (audit mode) was told ImageAllowed=false for prod's golden image: dev's answer, not the image's
  const devView = estate.query<{ image_allowed: number }>(
    'select image_allowed from image_views where image_id = ? and account_id = ?',
    GOLDEN,
    DEV,
  );
  assert.deepEqual(devView, [{ image_allowed: 0 }]);
  // an owner's criteria never reject its own images: nothing its own account-region rejects
  assert.deepEqual(ids(m['allowed-false']!), []);
  assert.deepEqual(ids(m['allowed-true']!), [DEV_BASE, GOLDEN]);
  // the setting is disabled in dev eu-west-1: AWS reports nothing, so nothing is guessed
  assert.deepEqual(ids(m['allowed-absent']!), [DEV_COPY]);
  assert.ok(!('ImageAllowed' in m.all!.find((r) => r.ImageId === DEV_COPY)!));
});

test('allowed-images without criteria matches the images simulate blocks, in the same account-regions', async () => {
  const m = await runPolicies(estate.db, join(estate.dir, 'out2'));
  const sim = await simulatedBlocked(estate.db);
  const expected = blockedWhere(sim, m.all!);
  // prod's golden image is in use in dev, whose criteria take Amazon AL2023 and the vendor only
  assert.deepEqual(expected, { [GOLDEN]: [`${DEV}/us-east-1`] });
  assert.deepEqual(annotatedWhere(m['blocked-collected']!), expected);
  const [note] = m['blocked-collected']![0]!['amw:allowed-images'] as { why: string; uncertain?: boolean }[];
  assert.match(
    note!.why,
    /^#0: owner 300000000003 is not among amazon; .* \| #1: owner 300000000003 is not among 399999999999$/,
  );
  assert.equal(note!.uncertain, undefined);
});

for (const target of STORE_TARGETS.filter((t) => t.name === 'postgres'))
  test('PostgreSQL store: the same matches and annotations as SQLite', { skip: target.skip }, async () => {
    const fresh = await target.fresh();
    try {
      const c = await runCli([
        'collect',
        '--db',
        fresh.target,
        '--endpoint',
        estate.sim.url,
        '--organizations',
        '--quiet',
      ]);
      assert.equal(c.code, 0, c.stderr);
      const pg = await runPolicies(fresh.target, join(estate.dir, 'out-pg'));
      const lite = await runPolicies(estate.db, join(estate.dir, 'out-lite'));
      for (const name of Object.keys(lite)) assert.deepEqual(ids(pg[name]!), ids(lite[name]!), name);
      assert.deepEqual(annotatedWhere(pg['blocked-collected']!), annotatedWhere(lite['blocked-collected']!));
      assert.deepEqual(
        pg.all!.map((r) => [r.ImageId, r.ImageAllowed]),
        lite.all!.map((r) => [r.ImageId, r.ImageAllowed]),
      );
      const sim = await simulatedBlocked(fresh.target);
      assert.deepEqual(annotatedWhere(pg['blocked-collected']!), blockedWhere(sim, pg.all!));
    } finally {
      await fresh.dispose();
    }
  });

test('criteria the store cannot read: simulate cannot judge the scope, the filter calls the image uncertain', async () => {
  const h = new Database(estate.db);
  try {
    h.prepare(
      "update account_settings set allowed_images_criteria = '[{\"Bogus\": 1}]' where account_id = ? and region = 'us-east-1'",
    ).run(DEV);
  } finally {
    h.close();
  }
  const sim = await simulatedBlocked(estate.db);
  assert.equal(sim.summary.scopesUnreadable, 1);
  const m = await runPolicies(estate.db, join(estate.dir, 'out3'));
  assert.deepEqual(
    m['blocked-collected']!.map((r) => [r.ImageId, r['amw:allowed-images']]),
    [[GOLDEN, [{ where: `${DEV}/us-east-1`, why: 'collected criteria could not be read', uncertain: true }]]],
  );
});
