// allowed-images simulate / public against a collected simulator estate
// (test/fixtures/seeds/allowed-images.yml), on SQLite and on PostgreSQL, through the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../src/cli/testing.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import type { Simulation } from '../../src/policy/allowed-images/simulate.ts';
import type { PublicReport } from '../../src/policy/allowed-images/public-images.ts';
import { imageAllowed as simImageAllowed } from '../../src/sim/services/ec2/access.ts';
import { imageAllowed } from '../../src/policy/allowed-images/evaluate.ts';
import type { ImageFacts } from '../../src/policy/allowed-images/evaluate.ts';
import { parseStoredCriteria } from '../../src/policy/allowed-images/load-criteria.ts';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { ROOT } from './harness.ts';

const NOW = '2026-11-01T00:00:00Z';
announceSkips();
const estate = withCollectedEstate(join(ROOT, 'test/fixtures/seeds/allowed-images.yml'), { now: NOW });
const DEV = '300000000002';
const PROD = '300000000003';

const simulate = (...args: string[]) =>
  runCli(['allowed-images', 'simulate', '--db', estate.db, '--now', NOW, ...args]);

/** Scope -> image -> "kind ref (state)" uses, for the scopes that would break. */
function breaks(sim: Simulation): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const s of sim.scopes)
    if (s.blocked.length > 0)
      out[`${s.accountId} ${s.region}`] = Object.fromEntries(
        s.blocked.map((b) => [b.imageId, b.uses.map((u) => `${u.kind} ${u.refId} (${u.state})`)]),
      );
  return out;
}

const COLLECTED_BREAKS = {
  [`${DEV} us-east-1`]: {
    // Amazon Linux 2: Amazon, but not an al2023-ami-* name
    'ami-0a200000000000002': [
      'instance i-0d200000000000003 (stopped)',
      'launch-template-version lt-0d200000000000001:1 (default)',
    ],
    // Marketplace firewall: neither Amazon nor the vendor account
    'ami-0b200000000000001': [
      'launch-configuration dev-fw-lc (exists)',
      'launch-template-version lt-0d200000000000002:1 (default)',
      'ssm-parameter /dev/firewall/ami (current)',
    ],
    // prod's golden image, shared with the organization: another account is not "own"
    'ami-0e200000000000001': [
      'auto-scaling-group dev-web-asg (active)',
      'launch-template-version lt-0d200000000000001:2 (latest)',
    ],
  },
  // enabled already: AL2023 at 380 days fails the 365-day criterion, has no product code for the other
  [`${PROD} us-east-1`]: {
    'ami-0a200000000000001': [
      'auto-scaling-group prod-legacy-asg (zero-capacity)',
      'launch-configuration prod-legacy-lc (exists)',
    ],
  },
};

test('collected criteria: per account-region, the images in use that enabling would block and what breaks', async () => {
  const r = await simulate('-f', 'json');
  assert.equal(r.code, 4, r.stderr);
  const sim = JSON.parse(r.stdout) as Simulation;
  assert.equal(sim.criteriaSource, 'collected');
  assert.deepEqual(breaks(sim), COLLECTED_BREAKS);
  const dev = sim.scopes.find((s) => s.accountId === DEV && s.region === 'us-east-1')!;
  assert.equal(dev.state, 'audit-mode');
  // own image, AL2023 and the vendor's shared image are allowed; the terminated instance's image is not use
  assert.equal(dev.imagesInUse, 6);
  const golden = dev.blocked.find((b) => b.imageId === 'ami-0e200000000000001')!;
  assert.deepEqual(
    golden.failures.map((f) => [f.criterion, f.fields.map((x) => x.field)]),
    [
      [0, ['ImageProviders', 'ImageNames']],
      [1, ['ImageProviders']],
    ],
  );
  assert.deepEqual(sim.summary, {
    scopes: 6,
    scopesBreaking: 2,
    scopesUnreadable: 0,
    imagesBlocked: 4,
    imagesUncertain: 0,
    disagreements: 0,
    uses: {
      instance: 1,
      'launch-template-version': 3,
      'launch-configuration': 2,
      'auto-scaling-group': 2,
      'ssm-parameter': 1,
    },
  });
});

/** An images row (every image in this estate is described) as the evaluator's facts. */
function factsOf(i: Record<string, string | null>): ImageFacts {
  return {
    imageId: i.image_id!,
    ownerId: i.owner_id ?? null,
    ownerAlias: i.owner_alias ?? null,
    name: i.name ?? null,
    productCodes: (JSON.parse(i.product_codes!) as { ProductCodeId: string }[]).map((p) => p.ProductCodeId),
    creationDate: i.creation_date ?? null,
    deprecationTime: i.deprecation_time ?? null,
  };
}

test('the evaluator, on collected facts and criteria, agrees with the simulator on every image and scope', async () => {
  const settings = estate.query<{ account_id: string; region: string; allowed_images_criteria: string }>(
    'select account_id, region, allowed_images_criteria from account_settings',
  );
  const images = estate.query<Record<string, string | null>>('select * from images');
  const now = new Date(NOW);
  let compared = 0;
  for (const s of settings) {
    const criteria = parseStoredCriteria(s.allowed_images_criteria)!;
    if (criteria.length === 0) continue;
    for (const i of images) {
      const rec = estate.sim.state.images.get(i.image_id!)!;
      const caller = { accountId: s.account_id, region: s.region, accessKeyId: 'test' };
      const theirs = simImageAllowed(estate.sim.state, rec, caller, now.getTime());
      const ours = imageAllowed(factsOf(i), criteria, { accountId: s.account_id, now });
      assert.equal(ours.allowed, theirs, `${i.image_id} in ${s.account_id} ${s.region}`);
      compared++;
    }
  }
  assert.equal(compared, 2 * 7, 'two scopes with criteria, seven images');
});

test('the evaluator agrees with the ImageAllowed each account-region was told (image_views)', async () => {
  const views = estate.query<{
    image_id: string;
    account_id: string;
    region: string;
    image_allowed: number;
    allowed_images_criteria: string;
  }>(
    `select v.image_id, v.account_id, v.region, v.image_allowed, s.allowed_images_criteria
     from image_views v join account_settings s on s.account_id = v.account_id and s.region = v.region
     where v.image_allowed is not null order by v.account_id, v.image_id`,
  );
  const facts = new Map(
    estate.query<Record<string, string | null>>('select * from images').map((i) => [i.image_id!, factsOf(i)]),
  );
  for (const v of views) {
    const criteria = parseStoredCriteria(v.allowed_images_criteria)!;
    const ours = imageAllowed(facts.get(v.image_id)!, criteria, {
      accountId: v.account_id,
      now: new Date(NOW),
    });
    assert.equal(ours.allowed ? 1 : 0, v.image_allowed, `${v.image_id} seen by ${v.account_id} ${v.region}`);
  }
  // dev (audit mode) was told about 6 images, prod (enabled) about the 2 it may launch
  assert.deepEqual(
    [DEV, PROD].map((a) => views.filter((v) => v.account_id === a).length),
    [6, 2],
  );
});

test('table and CSV carry the same breaks; the table explains each image once', async () => {
  const t = await simulate();
  assert.equal(t.code, 4);
  assert.match(
    t.stdout,
    /^300000000002 us-east-1: state audit-mode, 2 collected criteria, 6 image\(s\) in use, 3 image\(s\) would be blocked$/m,
  );
  assert.match(t.stdout, /^300000000003 us-east-1: .*1 image\(s\) would be blocked \(already enforced\)$/m);
  assert.match(
    t.stdout,
    /^ {4}why: #0: created 380 days ago, more than 365 \| #1: .*image has no product code$/m,
  );
  assert.match(t.stdout, /^ {4}breaks ssm-parameter \/dev\/firewall\/ami \(current\)$/m);
  assert.match(
    t.stdout,
    /^summary: 6 account-region\(s\), 2 would break, 4 image\(s\) blocked \(0 uncertain\);/m,
  );
  const c = await simulate('-f', 'csv');
  const lines = c.stdout.trim().split('\n');
  assert.equal(
    lines[0],
    'account_id,region,state,image_id,image_name,owner,uncertain,aws_image_allowed,why,kind,ref_id,ref_state',
  );
  assert.equal(lines.length, 1 + 9, 'one row per broken use');
});

test('proposed criteria apply everywhere selected; --accounts and --regions narrow the scopes', async () => {
  const loose = estate.write(
    'loose.yml',
    [
      '# what the platform team proposes',
      '- ImageProviders: [amazon]',
      '- ImageProviders: [aws-marketplace]',
      '  MarketplaceProductCodes: [mpfirewall01]',
      `- ImageProviders: ['${PROD}', '399999999999']`,
      '',
    ].join('\n'),
  );
  const r = await simulate('--criteria', loose, '-f', 'json');
  assert.equal(r.code, 0, r.stdout);
  const sim = JSON.parse(r.stdout) as Simulation;
  assert.equal(sim.criteriaSource, 'proposed');
  assert.ok(sim.scopes.every((s) => s.criteriaCount === 3 && s.blocked.length === 0));

  // AWS's own output shape, with a deprecation condition that rules out Amazon Linux 2
  const strict = estate.write(
    'strict.json',
    JSON.stringify({
      ImageCriteria: [
        { ImageProviders: ['amazon'], DeprecationTimeCondition: { MaximumDaysSinceDeprecated: 30 } },
      ],
    }),
  );
  const one = await simulate('--criteria', strict, '--accounts', DEV, '--regions', 'us-east-1', '-f', 'json');
  assert.equal(one.code, 4);
  const s = JSON.parse(one.stdout) as Simulation;
  assert.deepEqual(
    s.scopes.map((x) => `${x.accountId} ${x.region}`),
    [`${DEV} us-east-1`],
  );
  assert.deepEqual(Object.keys(breaks(s)[`${DEV} us-east-1`]!).sort(), [
    'ami-0a200000000000002',
    'ami-0b200000000000001',
    'ami-0e200000000000001',
    'ami-0f200000000000001',
  ]);
  const amzn2 = s.scopes[0]!.blocked.find((b) => b.imageId === 'ami-0a200000000000002')!;
  assert.deepEqual(amzn2.failures[0]!.fields, [
    { field: 'DeprecationTimeCondition', reason: 'deprecated 40 days ago, more than 30', unknown: false },
  ]);
});

test('--account-group takes the accounts and regions of a group from the config file', async () => {
  const config = estate.write(
    'amiwarden.yml',
    `groups:\n  prod:\n    mode: report\n    accounts: ['${PROD}']\n`,
  );
  const r = await simulate('--config', config, '--account-group', 'prod', '-f', 'json');
  assert.equal(r.code, 4);
  const sim = JSON.parse(r.stdout) as Simulation;
  assert.deepEqual(
    sim.scopes.map((s) => s.region),
    ['eu-west-1', 'us-east-1'],
  );
  assert.ok(sim.scopes.every((s) => s.accountId === PROD));
  const none = await simulate('--config', config, '--account-group', 'nope');
  assert.equal(none.code, 2);
  assert.match(none.stderr, /AMW_USAGE: no account group named "nope"/);
});

test('a bad criteria file is refused at its line before the store is read', async () => {
  const bad = estate.write('bad.yml', '- ImageProviders: [amazon]\n  MaximumDaysSinceCreated: 30\n');
  const r = await runCli([
    'allowed-images',
    'simulate',
    '--db',
    join(estate.dir, 'absent.db'),
    '--criteria',
    bad,
  ]);
  assert.equal(r.code, 2);
  assert.equal(
    r.stderr.trim(),
    `amiwarden: error: ${bad}:2:3: [0].MaximumDaysSinceCreated: unknown field [AMW_ALLOWED_IMAGES_CRITERIA]`,
  );
});

test('public: public images beside block public access, the ones predating it flagged', async () => {
  const r = await runCli(['allowed-images', 'public', '--db', estate.db, '-f', 'json']);
  assert.equal(r.code, 1);
  const rep = JSON.parse(r.stdout) as PublicReport;
  const got = Object.fromEntries(
    rep.scopes.map((s) => [
      `${s.accountId} ${s.region}`,
      [s.blockPublicAccess, s.verdict, ...s.images.map((i) => i.imageId)],
    ]),
  );
  assert.deepEqual(got[`${DEV} eu-west-1`], ['block-new-sharing', 'predates-bpa', 'ami-0d200000000000101']);
  assert.deepEqual(got[`${DEV} us-east-1`], ['unblocked', 'bpa-off-public', 'ami-0d200000000000001']);
  assert.deepEqual(got[`${PROD} us-east-1`], ['block-new-sharing', 'ok']);
  assert.deepEqual(got[`${PROD} eu-west-1`], ['unblocked', 'bpa-off']);
  // third-party public images (Amazon, Marketplace) are not ours to report
  assert.equal(rep.summary.publicImages, 2);
  assert.equal(rep.summary.predatingBpa, 1);
  const t = await runCli(['allowed-images', 'public', '--db', estate.db, '--accounts', PROD]);
  assert.equal(t.code, 0);
  assert.match(
    t.stdout,
    /^300000000003 us-east-1: block-new-sharing - block public access on, nothing public$/m,
  );
});

for (const target of STORE_TARGETS.filter((t) => t.name === 'postgres'))
  test(
    'PostgreSQL store: the same simulation and public report as SQLite',
    { skip: target.skip },
    async () => {
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
        for (const args of [['simulate', '--now', NOW], ['public']]) {
          const pg = await runCli(['allowed-images', ...args, '--db', fresh.target, '-f', 'json']);
          const lite = await runCli(['allowed-images', ...args, '--db', estate.db, '-f', 'json']);
          assert.equal(pg.code, lite.code, pg.stderr);
          // Each store has its own collection run: AWS's verdicts carry that run's time.
          const runless = (text: string): unknown =>
            JSON.parse(text, (k, v: unknown) => (k === 'reportedAt' ? typeof v : v));
          assert.deepEqual(runless(pg.stdout), runless(lite.stdout));
        }
      } finally {
        await fresh.dispose();
      }
    },
  );
