// `amiwarden usage` outputs scripts read (--what-breaks, JSON, CSV) and a partial collection, on
// SQLite and PostgreSQL over a collected estate (test/usage/harness.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import { collectOnce } from '../collect/harness.ts';
import { APP, NOW, OWNER, PARTNER, ami, withUsageEstate } from './harness.ts';

announceSkips();

for (const target of STORE_TARGETS) {
  describe(`amiwarden usage outputs (${target.name})`, { skip: target.skip }, () => {
    const estate = withUsageEstate(target);
    const { usage, json } = estate;

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
      estate.sim.setFaults({ failAccounts: [APP] });
      try {
        const run = await collectOnce(estate.sim, estate.fresh.store, {
          clock: () => new Date('2026-11-02T00:00:00.000Z'),
          maxAttempts: 1,
        });
        assert.equal(run.status, 'partial');
      } finally {
        estate.sim.setFaults({});
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
