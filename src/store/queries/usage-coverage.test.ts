import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unknownUsage } from './usage-coverage.ts';
import type { UsageCoverage } from './usage-coverage.ts';

const OWNER = '111111111111';
const GRANTEE = '222222222222';
const OTHER = '333333333333';
const IMG = { image_id: 'ami-00000001', region: 'us-east-1', owner_id: OWNER, owner_facts_known: true };

function coverage(over: Partial<UsageCoverage> = {}): UsageCoverage {
  return {
    run: undefined,
    failedScopes: [],
    collectedScopes: new Set([`${OWNER}/us-east-1`, `${GRANTEE}/us-east-1`, `${OTHER}/us-east-1`]),
    collectedAccounts: new Set([OWNER, GRANTEE, OTHER]),
    fromOrganizations: true,
    grants: new Map(),
    everGranted: new Map(),
    ...over,
  };
}

const failed = (account: string, region: string) => ({
  run_id: 'r1',
  account_id: account,
  region,
  status: 'failed',
  error_code: 'AMW_AWS_CALL_FAILED',
  error_message: 'boom',
  started_at: '2026-11-01T00:00:00.000Z',
  finished_at: null,
  images: 0,
  instances: 0,
});

test('a private image whose owner and grantees are collected has no unknown place', () => {
  const grants = new Map([[IMG.image_id, [{ kind: 'account', value: GRANTEE }]]]);
  assert.deepEqual(unknownUsage(IMG, coverage({ grants, everGranted: grants })), []);
});

test('a grantee collected elsewhere but not in the image region is unknown there', () => {
  const grants = new Map([[IMG.image_id, [{ kind: 'account', value: GRANTEE }]]]);
  const cov = coverage({ grants, everGranted: grants, collectedScopes: new Set([`${OWNER}/us-east-1`]) });
  assert.deepEqual(unknownUsage(IMG, cov), [
    {
      account_id: GRANTEE,
      region: 'us-east-1',
      reason: 'holds a launch permission, but us-east-1 is not collected there',
    },
  ]);
});

test('public and organization shares: everyone is a possible user', () => {
  const grants = new Map([
    [
      IMG.image_id,
      [
        { kind: 'group', value: 'all' },
        { kind: 'organization', value: 'arn:aws:organizations::1:organization/o-x' },
      ],
    ],
  ]);
  // From Organizations every member is collected: only "public" stays unknown.
  assert.deepEqual(
    unknownUsage(IMG, coverage({ grants, everGranted: grants })).map((u) => u.account_id),
    ['*'],
  );
  assert.deepEqual(
    unknownUsage(IMG, coverage({ grants, everGranted: grants, fromOrganizations: false })).map(
      (u) => u.account_id,
    ),
    ['*', 'arn:aws:organizations::1:organization/o-x'],
  );
  // ...and a failed scope of any account in the region matters then.
  const cov = coverage({ grants, everGranted: grants, failedScopes: [failed(OTHER, 'us-east-1')] });
  assert.equal(unknownUsage(IMG, cov)[0]!.account_id, OTHER);
});

test('failed scopes matter in the image region, for accounts that could hold a reference', () => {
  const cov = coverage({
    everGranted: new Map([[IMG.image_id, [{ kind: 'account', value: GRANTEE }]]]),
    failedScopes: [failed(GRANTEE, 'us-east-1'), failed(GRANTEE, 'eu-west-1'), failed(OTHER, 'us-east-1')],
  });
  // The grant was removed since, but instances launched under it may still run.
  assert.deepEqual(
    unknownUsage(IMG, cov).map((u) => [u.account_id, u.region]),
    [[GRANTEE, 'us-east-1']],
  );
  // An account where a reference was seen before counts too.
  assert.deepEqual(
    unknownUsage(IMG, cov, new Set([OTHER])).map((u) => [u.account_id, u.region]),
    [
      [GRANTEE, 'us-east-1'],
      [OTHER, 'us-east-1'],
    ],
  );
});

test('an uncollected owner: who may launch the image is unknown (unless a public publisher), and any failed scope counts', () => {
  const img = { ...IMG, owner_id: '999999999999', owner_facts_known: false };
  const out = unknownUsage(img, coverage({ failedScopes: [failed(OTHER, 'us-east-1')] }));
  assert.deepEqual(
    out.map((u) => [u.account_id, u.region]),
    [
      [OTHER, 'us-east-1'],
      ['999999999999', null],
    ],
  );
  // A public catalog's other customers are not ours to count: only our failed scope remains.
  const amazon = { ...img, owner_alias: 'amazon' };
  assert.deepEqual(
    unknownUsage(amazon, coverage({ failedScopes: [failed(OTHER, 'us-east-1')] })).map((u) => u.account_id),
    [OTHER],
  );
  assert.deepEqual(unknownUsage(amazon, coverage()), []);
});
