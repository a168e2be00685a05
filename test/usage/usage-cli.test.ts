// `amiwarden usage` against a collected estate (test/fixtures/seeds/usage-explain.yml), on SQLite and
// PostgreSQL: the simulator serves the seed, the real collector stores it, the CLI explains it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { runCli } from '../../src/cli/testing.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import type { UsageReportSet } from '../../src/store/queries/usage-explain.ts';
import { collectOnce } from '../collect/harness.ts';

announceSkips();

const SEED = fileURLToPath(new URL('../fixtures/seeds/usage-explain.yml', import.meta.url));
const NOW = '2026-11-01T00:00:00.000Z';
const OWNER = '500000000002';
const APP = '500000000003';
const PARTNER = '500000000009';
const ami = (n: string) => `ami-0d0000000000000b${n}`;

type Row = [kind: string, ref: string, account: string, state: string, inUse: boolean, stale?: boolean];

for (const target of STORE_TARGETS) {
  describe(`amiwarden usage (${target.name})`, { skip: target.skip }, () => {
    let sim: RunningSimulator;
    let fresh: Awaited<ReturnType<(typeof STORE_TARGETS)[number]['fresh']>>;
    before(async () => {
      sim = await startSimulator({ seed: SEED, port: 0 });
      fresh = await target.fresh();
      const run = await collectOnce(sim, fresh.store, { clock: () => new Date(NOW) });
      assert.equal(run.status, 'ok');
    });
    after(async () => {
      await fresh?.dispose();
      await sim?.close();
    });

    const usage = async (...args: string[]) => {
      const r = await runCli(['usage', '--db', fresh.target, '--now', NOW, ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    const json = async (...args: string[]) =>
      JSON.parse(await usage('-f', 'json', ...args)) as UsageReportSet;
    const refsOf = async (id: string): Promise<Row[]> =>
      (await json(id)).images[0]!.references.map((r) => [
        r.kind,
        r.ref_id,
        r.account_id,
        r.state,
        r.in_use,
        ...(r.stale ? [true] : []),
      ]) as Row[];

    test('a bare launch template (no group) is use', async () => {
      const set = await json(ami('1'));
      assert.deepEqual(await refsOf(ami('1')), [
        ['launch-template-version', 'lt-0d000000000000b01:1', OWNER, 'default', true],
      ]);
      assert.equal(set.images[0]!.verdict.text, 'in use by 1 reference in 1 account');
    });

    test('a terminated instance and a bare grant are listed, after, but are not use', async () => {
      const set = await json(ami('2'));
      assert.deepEqual(await refsOf(ami('2')), [
        ['instance', 'i-0d000000000000b02', OWNER, 'terminated', false],
        ['other-account', APP, APP, 'shared', false],
      ]);
      assert.deepEqual(set.images[0]!.verdict, {
        status: 'not-in-use',
        references: 0,
        accounts: 0,
        stale: 0,
        text: `not in use (collected at ${NOW})`,
      });
      const text = await usage(ami('2'));
      assert.match(text, /\nnot usage \(2\): terminated instances and bare sharing grants\n/);
      assert.doesNotMatch(text, /\nin use \(/);
    });

    test('a zero-capacity group counts', async () => {
      assert.deepEqual(await refsOf(ami('3')), [
        ['auto-scaling-group', 'idle-worker-asg', OWNER, 'zero-capacity', true],
        ['launch-template-version', 'lt-0d000000000000b03:1', OWNER, 'default', true],
      ]);
    });

    test("a consumer account's instance makes the owner's image in use", async () => {
      const r = (await json(ami('4'))).images[0]!;
      assert.deepEqual(
        r.references.filter((x) => x.in_use).map((x) => [x.kind, x.ref_id, x.account_id, x.cross_account]),
        [['instance', 'i-0e000000000000001', APP, true]],
      );
      assert.equal(r.verdict.text, "in use by 1 reference in 1 account (1 other than the owner's)");
      assert.deepEqual(r.unknown, []);
    });

    test('an uncollected grantee makes the answer unknown for that account, never "not in use"', async () => {
      const r = (await json(ami('5'))).images[0]!;
      assert.equal(r.verdict.status, 'unknown');
      assert.match(r.verdict.text, /^unknown: no use in the collected accounts .* unknown in 1 place$/);
      assert.deepEqual(r.unknown, [
        {
          account_id: PARTNER,
          region: null,
          reason: 'holds a launch permission, but the account is not collected',
        },
      ]);
      assert.match(
        await usage(ami('5')),
        new RegExp(`shared with {4}account ${PARTNER} \\(not collected\\)`),
      );
    });

    test('--what-breaks lists $Default/$Latest versions, groups, the configuration and the parameter', async () => {
      const r = (await json('--what-breaks', ami('6'))).images[0]!;
      assert.deepEqual(
        r.what_breaks!.map((b) => [b.kind, b.ref_id, b.effect, b.via]),
        [
          ['auto-scaling-group', 'web-asg', 'breaks', 'lt-0d000000000000b06 $Latest = version 3'],
          ['auto-scaling-group', 'web-legacy-asg', 'breaks', 'launch configuration web-legacy-lc'],
          [
            'launch-template-version',
            'lt-0d000000000000b06:1',
            'breaks',
            '$Default of lt-0d000000000000b06 (web) version 1',
          ],
          [
            'launch-template-version',
            'lt-0d000000000000b06:3',
            'breaks',
            '$Latest of lt-0d000000000000b06 (web) version 3; launched by web-asg',
          ],
          ['launch-configuration', 'web-legacy-lc', 'breaks', 'used by web-legacy-asg'],
          ['ssm-parameter', '/platform/web/ami', 'breaks', 'read by lt-0d000000000000b06:3'],
        ],
      );
      const text = await usage('--what-breaks', ami('6'));
      assert.match(text, /if deregistered or disabled now: 6 launch paths in 1 account break/);
      assert.match(
        await usage('--what-breaks', ami('8')),
        /already deregistered: 0 launch paths in 0 accounts point at it/,
      );
      // An unnamed version is at risk only; an instance keeps running.
      const old = (await json('--what-breaks', ami('7'))).images[0]!;
      assert.deepEqual(
        old.what_breaks!.map((b) => [b.ref_id, b.effect]),
        [
          ['i-0d000000000000b07', 'keeps-running'],
          ['lt-0d000000000000b06:2', 'at-risk'],
          ['lt-0d000000000000b08:1', 'breaks'],
          ['lt-0d000000000000b09:1', 'breaks'],
          ['web-ancient-lc', 'breaks'],
        ],
      );
    });

    test('stale: old versions and configurations nothing launched from lately; --stale-days moves the line', async () => {
      assert.deepEqual(await refsOf(ami('7')), [
        ['instance', 'i-0d000000000000b07', OWNER, 'running', true],
        ['launch-template-version', 'lt-0d000000000000b06:2', OWNER, 'unnamed-version', true],
        // 400 days old, nothing launched from it
        ['launch-template-version', 'lt-0d000000000000b08:1', OWNER, 'default', true, true],
        // as old, but an instance was launched from it 5 days ago
        ['launch-template-version', 'lt-0d000000000000b09:1', OWNER, 'default', true],
        ['launch-configuration', 'web-ancient-lc', OWNER, 'exists', true, true],
      ]);
      const r = (await json(ami('7'))).images[0]!;
      assert.equal(r.verdict.text, 'in use by 5 references in 1 account; 2 stale references');
      assert.equal(
        r.references.find((x) => x.ref_id === 'lt-0d000000000000b09:1')!.last_launch,
        '2026-10-27T00:00:00.000Z',
      );
      const strict = (await json('--stale-days', '30', ami('7'))).images[0]!;
      assert.deepEqual(
        strict.references.filter((x) => x.stale).map((x) => x.ref_id),
        ['lt-0d000000000000b06:2', 'lt-0d000000000000b08:1', 'web-ancient-lc'],
      );
    });

    test('header states: deregistered but running, disabled and deprecated, last launched with its lag', async () => {
      const set = await json(ami('8'), ami('9'), ami('6'));
      const [gone, retired, web] = set.images.map((i) => i.image);
      assert.equal(gone!.deregistered_but_running, true);
      assert.equal(set.images[0]!.verdict.status, 'in-use');
      assert.deepEqual([retired!.disabled, retired!.deprecated, retired!.deregistered], [true, true, false]);
      assert.equal(web!.last_launched_time, '2026-10-31T00:00:00.000Z');
      const text = await usage(ami('8'), ami('9'), ami('6'));
      assert.match(text, /state {10}deregistered, deregistered but still running\n/);
      assert.match(text, /state {10}disabled, deprecated since 2026-10-22T00:00:00.000Z\n/);
      assert.match(
        text,
        /last launched {2}2026-10-31T00:00:00.000Z \(reported by the owner up to 24 h late; not proof/,
      );
    });

    test('--name selects by glob; unknown ids and bad arguments are errors', async () => {
      const set = await json('--name', 'web-*');
      // web-gone is deregistered but still running, so it is kept
      assert.deepEqual(
        set.images.map((i) => i.image.name),
        ['web-gone', 'web-old', 'web-release', 'web-retired'],
      );
      const missing = await runCli(['usage', '--db', fresh.target, ami('1'), 'ami-0000000000000dead']);
      assert.equal(missing.code, 2);
      assert.match(
        missing.stderr,
        /^amiwarden: error: AMW_NOT_FOUND: no image ami-0000000000000dead in the store /,
      );
      const none = await runCli(['usage', '--db', fresh.target, '--name', 'nothing-*']);
      assert.match(none.stderr, /AMW_NOT_FOUND: no image named like "nothing-\*"/);
      for (const bad of [
        ['usage', '--db', fresh.target],
        ['usage', '--db', fresh.target, 'i-0d000000000000b02'],
      ]) {
        const r = await runCli(bad);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /AMW_USAGE/);
      }
      const nowhere = await runCli(['usage', '--db', `${fresh.target}.missing`, ami('1')]);
      if (target.name === 'sqlite') assert.match(nowhere.stderr, /AMW_STORE_OPEN: no asset store at /);
      else assert.match(nowhere.stderr, /AMW_STORE_OPEN: cannot connect to /);
      const days = await runCli(['usage', '--db', fresh.target, '--stale-days', '-3', ami('1')]);
      assert.match(days.stderr, /AMW_USAGE: --stale-days expects a whole number of days >= 0, got -3\n$/);
    });

    test('JSON shape: the keys scripts rely on', async () => {
      const set = await json('--what-breaks', ami('5'), ami('6'));
      const keys = (o: object) => Object.keys(o).sort();
      assert.deepEqual(keys(set), ['as_of', 'collected_at', 'images', 'run_status', 'stale_days']);
      assert.deepEqual([set.as_of, set.collected_at, set.run_status, set.stale_days], [NOW, NOW, 'ok', 180]);
      const [partner, web] = set.images;
      assert.deepEqual(keys(web!), ['image', 'references', 'unknown', 'verdict', 'what_breaks']);
      assert.deepEqual(keys(web!.image), [
        'age_days',
        'creation_date',
        'deprecated',
        'deprecation_time',
        'deregistered',
        'deregistered_but_running',
        'disabled',
        'image_id',
        'last_launched_time',
        'name',
        'owner_alias',
        'owner_id',
        'region',
        'shared_with',
        'state',
      ]);
      assert.deepEqual(keys(web!.verdict), ['accounts', 'references', 'stale', 'status', 'text']);
      assert.deepEqual(keys(web!.references[0]!), [
        'account_id',
        'age_days',
        'cross_account',
        'image_id',
        'in_use',
        'kind',
        'last_launch',
        'ref_id',
        'region',
        'since',
        'stale',
        'state',
      ]);
      assert.deepEqual(keys(web!.what_breaks![0]!), [
        'account_id',
        'consequence',
        'effect',
        'kind',
        'ref_id',
        'region',
        'state',
        'via',
      ]);
      assert.deepEqual(keys(partner!.unknown[0]!), ['account_id', 'reason', 'region']);
      assert.deepEqual(partner!.image.shared_with, [{ kind: 'account', value: PARTNER }]);
      // Types as well as names: numbers stay numbers and booleans booleans on both engines.
      const ref = web!.references.find((r) => r.ref_id === 'web-legacy-lc')!;
      assert.deepEqual(ref, {
        image_id: ami('6'),
        kind: 'launch-configuration',
        ref_id: 'web-legacy-lc',
        account_id: OWNER,
        region: 'us-east-1',
        state: 'exists',
        in_use: true,
        cross_account: false,
        since: '2026-01-05T00:00:00.000Z',
        age_days: 300,
        stale: false,
        last_launch: null,
      });
    });

    test('CSV: one row per reference with its image and section', async () => {
      const csv = (await usage('-f', 'csv', ami('2'), ami('5'))).trimEnd().split('\n');
      assert.equal(
        csv[0],
        'image_id,section,kind,ref_id,account_id,region,state,in_use,cross_account,since,age_days,stale,last_launch,reason',
      );
      assert.deepEqual(
        csv.slice(1).map((l) => l.split(',').slice(0, 5).join(',')),
        [
          `${ami('2')},not-usage,instance,i-0d000000000000b02,${OWNER}`,
          `${ami('2')},not-usage,other-account,${APP},${APP}`,
          `${ami('5')},not-usage,other-account,${PARTNER},${PARTNER}`,
          `${ami('5')},unknown,,,${PARTNER}`,
        ],
      );
      // Every row has as many cells as the header (the unknown row's reason is quoted: it holds a comma).
      for (const line of csv.slice(0, -1)) assert.equal(line.split(',').length, 14, line);
      assert.match(csv.at(-1)!, /,"holds a launch permission, but the account is not collected"$/);
      assert.equal(
        csv
          .at(-1)!
          .replace(/"[^"]*"$/, 'reason')
          .split(',').length,
        14,
      );
      const breaks = (await usage('-f', 'csv', '--what-breaks', ami('3'), ami('5'))).trimEnd().split('\n');
      assert.deepEqual(breaks, [
        'image_id,account_id,region,kind,ref_id,state,effect,via,consequence',
        `${ami('3')},${OWNER},us-east-1,auto-scaling-group,idle-worker-asg,zero-capacity,breaks,lt-0d000000000000b03 $Default = version 1,the next scale-out fails (desired capacity is 0 today)`,
        `${ami('3')},${OWNER},us-east-1,launch-template-version,lt-0d000000000000b03:1,default,breaks,$Default and $Latest of lt-0d000000000000b03 (idle-worker) version 1; launched by idle-worker-asg,"launches asking for $Default or $Latest (RunInstances, Spot, EC2 Fleet, groups) fail"`,
        `${ami('5')},${PARTNER},,,,,unknown,,"holds a launch permission, but the account is not collected"`,
      ]);
    });

    test('a failed scope in the last run makes its account/region unknown; its earlier rows stay', async () => {
      sim.setFaults({ failAccounts: [APP] });
      try {
        const run = await collectOnce(sim, fresh.store, {
          clock: () => new Date('2026-11-02T00:00:00.000Z'),
          maxAttempts: 1,
        });
        assert.equal(run.status, 'partial');
      } finally {
        sim.setFaults({});
      }
      const set = await json(ami('4'));
      assert.equal(set.run_status, 'partial');
      const r = set.images[0]!;
      assert.equal(r.verdict.status, 'in-use');
      assert.deepEqual(
        r.unknown.map((u) => [u.account_id, u.region]),
        [[APP, 'us-east-1']],
      );
      assert.match(r.unknown[0]!.reason, /^collection failed in the last run \(AMW_AWS_CALL_FAILED: /);
      // A private image the failing account never could launch keeps its answer.
      const unused = (await json(ami('9'))).images[0]!;
      assert.equal(unused.verdict.status, 'not-in-use');
    });
  });
}
