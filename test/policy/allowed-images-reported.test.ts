// allowed-images simulate beside AWS's own ImageAllowed: dev (audit mode) takes Amazon images up
// to 390 days old. AWS judged the ages when the estate was collected (2026-11-01); simulating at
// another --now makes the evaluator and AWS differ on the two Amazon images, as real estates do
// between a collection and a report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../src/cli/testing.ts';
import type { BlockedImage, Simulation } from '../../src/policy/allowed-images/simulate.ts';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { ROOT } from './harness.ts';

const DEV = '300000000002';
const AL2023 = 'ami-0a200000000000001'; // created 380 days before 2026-11-01
const AL2 = 'ami-0a200000000000002'; // created 500 days before 2026-11-01
const FIREWALL = 'ami-0b200000000000001';
const GOLDEN = 'ami-0e200000000000001';

const estate = withCollectedEstate(join(ROOT, 'test/fixtures/seeds/allowed-images.yml'), {
  now: '2026-11-01T00:00:00Z',
  async setup(e) {
    e.sim.state.settingsFor(DEV, 'us-east-1').allowedImages = {
      state: 'audit-mode',
      criteria: [{ providers: ['amazon'], maxDaysSinceCreated: 390 }, { providers: ['399999999999'] }],
    };
    e.sim.state.touch();
    await e.collect();
  },
});

const simulate = (now: string, ...args: string[]) =>
  runCli(['allowed-images', 'simulate', '--db', estate.db, '--now', now, '--accounts', DEV, ...args]);

async function devBlocked(now: string, ...args: string[]): Promise<{ code: number; sim: Simulation }> {
  const r = await simulate(now, '--regions', 'us-east-1', '-f', 'json', ...args);
  return { code: r.code, sim: JSON.parse(r.stdout) as Simulation };
}

const verdicts = (blocked: readonly BlockedImage[]) =>
  Object.fromEntries(
    blocked.map((b) => [b.imageId, [b.evaluator, b.aws?.imageAllowed ?? null, b.disagrees]]),
  );

test('at the collection time the evaluator and AWS agree, and each blocked image carries what AWS said', async () => {
  const { code, sim } = await devBlocked('2026-11-01T00:00:00Z');
  assert.equal(code, 4);
  assert.deepEqual(verdicts(sim.scopes[0]!.blocked), {
    [AL2]: ['blocked', false, false],
    [FIREWALL]: ['blocked', false, false],
    [GOLDEN]: ['blocked', false, false],
  });
  assert.equal(sim.summary.disagreements, 0);
  const runs = estate.query<{ started_at: string }>(
    'select started_at from collection_runs order by started_at desc limit 1',
  );
  assert.equal(sim.scopes[0]!.blocked[0]!.aws?.reportedAt, runs[0]!.started_at);
});

test('later: the evaluator blocks an image AWS reported allowed; it stays listed, flagged', async () => {
  const { code, sim } = await devBlocked('2026-11-15T00:00:00Z');
  assert.equal(code, 4);
  assert.deepEqual(verdicts(sim.scopes[0]!.blocked), {
    [AL2023]: ['blocked', true, true],
    [AL2]: ['blocked', false, false],
    [FIREWALL]: ['blocked', false, false],
    [GOLDEN]: ['blocked', false, false],
  });
  assert.equal(sim.summary.disagreements, 1);
  const t = await simulate('2026-11-15T00:00:00Z');
  assert.match(
    t.stdout,
    new RegExp(
      `^  ${AL2023} .*\\n {4}why: #0: created 394 days ago, more than 390 \\| .*\\n {4}! disagrees with AWS: ImageAllowed=true reported here by the run of \\S+; in audit mode AWS is the authority \\(ages: AWS counted them at collection, the evaluator at --now\\)$`,
      'm',
    ),
  );
  assert.match(t.stdout, /; 1 disagreement\(s\) with AWS's ImageAllowed$/m);
});

test('earlier: AWS rejects an image the evaluator allows; AWS decides, the image is listed as blocked', async () => {
  const { code, sim } = await devBlocked('2026-07-01T00:00:00Z');
  assert.equal(code, 4);
  const blocked = sim.scopes[0]!.blocked;
  assert.deepEqual(verdicts(blocked), {
    [AL2]: ['allowed', false, true],
    [FIREWALL]: ['blocked', false, false],
    [GOLDEN]: ['blocked', false, false],
  });
  const al2 = blocked.find((b) => b.imageId === AL2)!;
  assert.deepEqual([al2.failures, al2.allowedBy, al2.uncertain], [[], 'criterion 0', false]);
  assert.deepEqual(
    al2.uses.map((u) => u.kind),
    ['instance', 'launch-template-version'],
  );
  const t = await simulate('2026-07-01T00:00:00Z');
  assert.match(
    t.stdout,
    new RegExp(
      `^ {4}why: AWS reports ImageAllowed=false; the evaluator allows it \\(criterion 0\\)\\n {4}! disagrees with AWS: ImageAllowed=false reported here by the run of \\S+; in audit mode AWS is the authority$`,
      'm',
    ),
  );
  const c = await simulate('2026-07-01T00:00:00Z', '-f', 'csv');
  const rows = c.stdout.trim().split('\n');
  assert.equal(rows[0]!.split(',')[7], 'aws_image_allowed');
  const al2Rows = rows.filter((r) => r.includes(AL2));
  assert.equal(al2Rows.length, 2);
  assert.ok(al2Rows.every((r) => r.split(',')[7] === 'false'));
});

test("proposed criteria are not compared with AWS's verdict on the collected ones", async () => {
  const proposed = estate.write('amazon.yml', '- ImageProviders: [amazon]\n');
  const { code, sim } = await devBlocked('2026-11-15T00:00:00Z', '--criteria', proposed);
  assert.equal(code, 4);
  assert.ok(sim.scopes[0]!.blocked.every((b) => b.aws === null && !b.disagrees && b.evaluator === 'blocked'));
  assert.equal(sim.summary.disagreements, 0);
});
