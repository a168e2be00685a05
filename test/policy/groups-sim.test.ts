import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { FIXTURES, ROOT, spawnCli } from './harness.ts';

const NOW = '2026-11-01T00:00:00Z';
const AGEOUT = join(FIXTURES, 'groups/ageout.yml');
const GROUPS = ['--config', join(FIXTURES, 'groups/small-estate.yml')];

const estate = withCollectedEstate(join(ROOT, 'test/fixtures/seeds/small.yml'), { now: NOW });

test('one policy over three groups: enforce tags, notify records requests, report only lists', async () => {
  const out = join(estate.dir, 'out');
  assert.equal(await estate.run(AGEOUT, ...GROUPS, '-s', out), 0);
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
  assert.deepEqual(estate.query('select group_name, resource_id, action, status from policy_notifications'), [
    { group_name: 'stage', resource_id: 'ami-0d000000000000101', action: 'tag', status: 'pending' },
  ]);
});

test('run --group limits the run to one group', async () => {
  const out = join(estate.dir, 'out-prod');
  assert.equal(await estate.run(AGEOUT, ...GROUPS, '--group', 'prod', '-s', out), 0);
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
    ...estate.targetArgs,
    '--now',
    NOW,
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
  const runs = () => estate.query<{ n: number }>('select count(*) as n from collection_runs')[0]?.n;
  const before = runs() ?? 0;
  const config = estate.write('collect-all.yml', 'collect:\n  organizations: true\n');
  const example = join(FIXTURES, 'custodian/03-ami-in-use.yml');
  assert.equal(await estate.run(example, '--config', config, '--collect', '--dryrun'), 0);
  assert.equal(runs(), before + 1);
});
