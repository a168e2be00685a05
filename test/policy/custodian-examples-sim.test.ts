import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { FIXTURES, ROOT } from './harness.ts';

const NOW = '2026-11-01T00:00:00Z';
const EXAMPLES = join(FIXTURES, 'custodian');
const SHARED = join(ROOT, '../shared/examples/custodian');

// Written by hand from test/fixtures/seeds/small.yml (now = 2026-11-01).
const EXPECTED: Record<string, string[]> = {
  // created more than 90 days ago: 400d, 700d, 900d (disabled), 390d (eu copy), 150d
  'ami-age-over-90d': [
    'ami-0d000000000000001',
    'ami-0d000000000000003',
    'ami-0d000000000000004',
    'ami-0d000000000000101',
    'ami-0e000000000000001',
  ],
  // 0003 has only a terminated instance; 0004 and the eu copy have no reference at all
  'ami-unused-mark': ['ami-0d000000000000003', 'ami-0d000000000000004', 'ami-0d000000000000101'],
  // running instance + template; prod instance + SSM-resolved template + ASG; launch configuration + ASG
  'ami-in-use': ['ami-0d000000000000001', 'ami-0d000000000000002', 'ami-0e000000000000001'],
  // shared with prod by id; public; shared with the organization
  'ami-cross-account': ['ami-0d000000000000002', 'ami-0d000000000000003', 'ami-0e000000000000001'],
  // no image carries env=prod and an owner tag
  'ami-prod-unencrypted': [],
  // nothing is tagged lifecycle=deprecated, and tag keys are case-sensitive (the dev image says Env)
  'ami-deregister-retired': [],
};

let out: string;
const estate = withCollectedEstate(join(ROOT, 'test/fixtures/seeds/small.yml'), {
  now: NOW,
  async setup(e) {
    out = join(e.dir, 'out');
    assert.equal(await e.run(EXAMPLES, '--dryrun', '-s', out), 0);
  },
});

test(
  'the fixture copies are the shared examples, unchanged',
  { skip: !existsSync(SHARED) && 'no ../shared' },
  () => {
    const names = readdirSync(SHARED)
      .filter((n) => n.endsWith('.yml'))
      .sort();
    assert.equal(names.length, 6);
    for (const n of names)
      assert.equal(readFileSync(join(EXAMPLES, n), 'utf8'), readFileSync(join(SHARED, n), 'utf8'), n);
  },
);

for (const [policy, ids] of Object.entries(EXPECTED)) {
  test(`example ${policy} matches the hand-written ids`, () => {
    const resources = JSON.parse(readFileSync(join(out, policy, 'resources.json'), 'utf8')) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(resources.map((r) => r.ImageId).sort(), ids);
    const meta = JSON.parse(readFileSync(join(out, policy, 'metadata.json'), 'utf8')) as {
      policy: { name: string };
      config: { dryrun: boolean };
      metrics: { Value: number }[];
    };
    assert.equal(meta.policy.name, policy);
    assert.equal(meta.config.dryrun, true);
    assert.equal(meta.metrics[0]?.Value, ids.length);
  });
}

test('cross-account matches carry c7n:CrossAccountViolations', () => {
  const resources = JSON.parse(
    readFileSync(join(out, 'ami-cross-account', 'resources.json'), 'utf8'),
  ) as Record<string, unknown>[];
  const v = Object.fromEntries(resources.map((r) => [r.ImageId, r['c7n:CrossAccountViolations']]));
  assert.deepEqual(v['ami-0d000000000000002'], ['100000000003']);
  assert.deepEqual(v['ami-0d000000000000003'], ['all']);
  assert.match(String((v['ami-0e000000000000001'] as string[])[0]), /organization\/o-smallorg01$/);
});

test('under --dryrun the mark and tag actions are audited as dryrun and nothing changed', () => {
  const rows = estate.audit();
  assert.deepEqual([...new Set(rows.map((r) => `${r.policy}:${r.action}:${r.outcome}`))].sort(), [
    'ami-age-over-90d:tag:dryrun',
    'ami-unused-mark:mark-for-op:dryrun',
  ]);
  assert.equal(estate.sim.state.images.get('ami-0d000000000000001')?.tags.has('c7n-age-review'), false);
});
