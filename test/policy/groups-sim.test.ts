import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { FIXTURES, ROOT, openEstate, spawnCli } from './harness.ts';
import type { Estate } from './harness.ts';

let estate: Estate;
before(async () => {
  estate = await openEstate(join(ROOT, 'test/fixtures/seeds/small.yml'));
  await estate.collect();
});
after(async () => estate.close());

test('one policy over three groups: enforce tags, notify records requests, report only lists', async () => {
  const out = join(estate.dir, 'out');
  const rc = await estate.cli(
    'run',
    '-p',
    join(FIXTURES, 'groups/ageout.yml'),
    '--config',
    join(FIXTURES, 'groups/small-estate.yml'),
    '--db',
    estate.db,
    '--endpoint',
    estate.sim.url,
    '--now',
    '2026-11-01T00:00:00Z',
    '-s',
    out,
    '--quiet',
  );
  assert.equal(rc, 0);
  const meta = JSON.parse(readFileSync(join(out, 'environment-ageout/metadata.json'), 'utf8')) as {
    groups: { name: string; mode: string; matched: number; outcomes: Record<string, number> }[];
  };
  assert.deepEqual(
    meta.groups.map((g) => [
      g.name,
      g.mode,
      g.matched,
      g.outcomes.done,
      g.outcomes.notified,
      g.outcomes.skipped,
    ]),
    [
      ['dev', 'enforce', 3, 3, 0, 0],
      ['stage', 'notify', 1, 0, 1, 0],
      ['prod', 'report', 1, 0, 0, 1],
    ],
  );
  const tag = (id: string) => estate.sim.state.images.get(id)?.tags.get('ageout');
  for (const id of ['ami-0d000000000000001', 'ami-0d000000000000003', 'ami-0d000000000000004'])
    assert.equal(tag(id), 'older than 30 days', id);
  assert.equal(tag('ami-0d000000000000101'), undefined);
  assert.equal(tag('ami-0e000000000000001'), undefined);
  const h = new Database(estate.db, { readonly: true });
  try {
    const n = h.prepare('select group_name, resource_id, action, status from policy_notifications').all();
    assert.deepEqual(n, [
      { group_name: 'stage', resource_id: 'ami-0d000000000000101', action: 'tag', status: 'pending' },
    ]);
  } finally {
    h.close();
  }
});

test('run --group limits the run to one group', async () => {
  const out = join(estate.dir, 'out-prod');
  const rc = await estate.cli(
    'run',
    '-p',
    join(FIXTURES, 'groups/ageout.yml'),
    '--config',
    join(FIXTURES, 'groups/small-estate.yml'),
    '--group',
    'prod',
    '--db',
    estate.db,
    '--endpoint',
    estate.sim.url,
    '--now',
    '2026-11-01T00:00:00Z',
    '-s',
    out,
    '--quiet',
  );
  assert.equal(rc, 0);
  const meta = JSON.parse(readFileSync(join(out, 'environment-ageout/metadata.json'), 'utf8')) as {
    groups: { name: string }[];
  };
  assert.deepEqual(
    meta.groups.map((g) => g.name),
    ['prod'],
  );
});

test('run --format json prints the summary and the matches for machines', () => {
  const r = spawnCli([
    'run',
    '-p',
    join(FIXTURES, 'custodian/04-ami-cross-account.yml'),
    '--db',
    estate.db,
    '--endpoint',
    estate.sim.url,
    '--now',
    '2026-11-01T00:00:00Z',
    '--format',
    'json',
    '--dryrun',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as {
    dryrun: boolean;
    policies: { policy: string; matched: number }[];
    runs: { resources: { ImageId: string }[] }[];
  };
  assert.equal(doc.dryrun, true);
  assert.deepEqual(
    doc.policies.map((p) => [p.policy, p.matched]),
    [['ami-cross-account', 3]],
  );
  assert.equal(doc.runs[0]?.resources.length, 3);
});

test('run --collect refreshes the inventory first', async () => {
  const h = () => {
    const db = new Database(estate.db, { readonly: true });
    try {
      return (db.prepare('select count(*) as n from collection_runs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  const before = h();
  const config = join(estate.dir, 'collect-all.yml');
  writeFileSync(config, 'collect:\n  organizations: true\n');
  const rc = await estate.cli(
    'run',
    '--config',
    config,
    '-p',
    join(FIXTURES, 'custodian/03-ami-in-use.yml'),
    '--collect',
    '--db',
    estate.db,
    '--endpoint',
    estate.sim.url,
    '--now',
    '2026-11-01T00:00:00Z',
    '--dryrun',
    '--quiet',
  );
  assert.equal(rc, 0);
  assert.equal(h(), before + 1);
});
