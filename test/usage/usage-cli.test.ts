// `amiwarden usage` explains why images are in use, on SQLite and PostgreSQL, over a collected
// estate (test/usage/harness.ts): each test is one question users ask.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/testing.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';

import { APP, NOW, OWNER, PARTNER, ami, withUsageEstate } from './harness.ts';

announceSkips();

for (const target of STORE_TARGETS) {
  describe(`amiwarden usage (${target.name})`, { skip: target.skip }, () => {
    const estate = withUsageEstate(target);
    const { usage, json, refsOf } = estate;

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
      const missing = await runCli(['usage', '--db', estate.fresh.target, ami('1'), 'ami-0000000000000dead']);
      assert.equal(missing.code, 2);
      assert.match(
        missing.stderr,
        /^amiwarden: error: AMW_NOT_FOUND: no image ami-0000000000000dead in the store /,
      );
      const none = await runCli(['usage', '--db', estate.fresh.target, '--name', 'nothing-*']);
      assert.match(none.stderr, /AMW_NOT_FOUND: no image named like "nothing-\*"/);
      for (const bad of [
        ['usage', '--db', estate.fresh.target],
        ['usage', '--db', estate.fresh.target, 'i-0d000000000000b02'],
      ]) {
        const r = await runCli(bad);
        assert.equal(r.code, 2);
        assert.match(r.stderr, /AMW_USAGE/);
      }
      const nowhere = await runCli(['usage', '--db', `${estate.fresh.target}.missing`, ami('1')]);
      if (target.name === 'sqlite') assert.match(nowhere.stderr, /AMW_STORE_OPEN: no asset store at /);
      else assert.match(nowhere.stderr, /AMW_STORE_OPEN: cannot connect to /);
      const days = await runCli(['usage', '--db', estate.fresh.target, '--stale-days', '-3', ami('1')]);
      assert.match(days.stderr, /AMW_USAGE: --stale-days expects a whole number of days >= 0, got -3\n$/);
    });
  });
}
