import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AmwError } from '../../errors.ts';
import { compileText } from '../engine.ts';
import { DEFAULT_GROUP } from '../config.ts';
import { Inventory } from '../inventory.ts';
import { CollectedAllowedImages } from '../allowed-images/collected.ts';
import type { CollectedScope } from '../allowed-images/collected.ts';
import { scopeKey } from '../allowed-images/reported.ts';
import type { AwsReport } from '../allowed-images/reported.ts';
import type { PolicyImage } from '../resource.ts';
import { NOW, image } from '../testing.ts';

const OWNER = '111111111111';
const DEV = '222222222222';

function estate(): PolicyImage[] {
  return [
    // used only by its owner: always allowed there
    image({ ImageId: 'ami-home', Name: 'golden-1', usage: [{ id: 'i-1', accountId: OWNER }] }),
    // used by dev through a launch template and a terminated instance in another region
    image({
      ImageId: 'ami-shared',
      Name: 'golden-2',
      usage: [
        { kind: 'launch-template-version', id: 'lt-1:2', accountId: DEV, state: 'latest' },
        { id: 'i-2', accountId: DEV, region: 'eu-west-1', state: 'terminated' },
      ],
    }),
    // old, used by dev: the age condition decides
    image({ ImageId: 'ami-old', Name: 'golden-0', daysOld: 400, usage: [{ id: 'i-3', accountId: DEV }] }),
    // shared with dev but unused there: a bare grant breaks nothing
    image({
      ImageId: 'ami-granted',
      usage: [{ kind: 'other-account', id: DEV, accountId: DEV, state: 'shared', inUse: false }],
    }),
  ];
}

async function run(
  filter: string,
  collected = new CollectedAllowedImages(),
): Promise<{ ids: string[]; notes: Map<string, unknown> }> {
  const yaml = `policies:\n  - name: t\n    resource: aws.ami\n    filters:\n${filter.replace(/^/gm, '      ')}\n`;
  const [p] = await compileText('t.yml', yaml, [DEFAULT_GROUP]);
  assert.ok(p);
  const inv = new Inventory(estate(), [], collected);
  const notes = new Map<string, unknown>();
  const ctx = {
    now: NOW,
    inventory: inv,
    annotate: (img: PolicyImage, key: string, value: unknown) =>
      void notes.set(`${img.resource.ImageId} ${key}`, value),
  };
  return { ids: inv.images.filter((i) => p.filter(i, ctx)).map((i) => i.resource.ImageId), notes };
}

test('allowed-images: images in use in an account whose criteria would block them', async () => {
  const { ids, notes } = await run('- type: allowed-images\n  criteria:\n    - ImageProviders: [amazon]');
  assert.deepEqual(ids, ['ami-shared', 'ami-old']);
  assert.deepEqual(notes.get('ami-shared amw:allowed-images'), [
    { where: `${DEV}/us-east-1`, why: `#0: owner ${OWNER} is not among amazon` },
  ]);
});

test('allowed-images: the owner account id as provider, with an age limit; state: allowed inverts', async () => {
  const f = `- type: allowed-images\n  criteria:\n    - ImageProviders: ["${OWNER}"]\n      CreationDateCondition: { MaximumDaysSinceCreated: 365 }`;
  assert.deepEqual((await run(f)).ids, ['ami-old']);
  assert.deepEqual((await run(`${f}\n  state: allowed`)).ids, ['ami-home', 'ami-shared', 'ami-granted']);
});

test('allowed-images: criteria are checked by the criteria schema at load time', async () => {
  await assert.rejects(
    run('- type: allowed-images\n  criteria:\n    - ImageProvider: [amazon]'),
    (err: AmwError) => {
      assert.equal(
        err.toLine(),
        't.yml:7:13: policies[0].filters[0].criteria[0].ImageProvider: unknown field [AMW_POLICY_SCHEMA]',
      );
      return true;
    },
  );
});

/** dev us-east-1 and eu-west-1 with the given criteria (undefined: unreadable), optional AWS reports. */
function collected(
  east: CollectedScope['criteria'],
  reports: [string, AwsReport][] = [],
  west: CollectedScope['criteria'] = [],
): CollectedAllowedImages {
  return new CollectedAllowedImages(
    new Map([
      [scopeKey(DEV, 'us-east-1'), { state: 'audit-mode', criteria: east }],
      [scopeKey(DEV, 'eu-west-1'), { state: 'disabled', criteria: west }],
    ]),
    new Map([[scopeKey(DEV, 'us-east-1'), new Map(reports)]]),
  );
}

test('allowed-images without criteria: each account-region judges by its own collected criteria', async () => {
  const age = [{ ImageProviders: [OWNER], CreationDateCondition: { MaximumDaysSinceCreated: 365 } }];
  const { ids, notes } = await run('- type: allowed-images', collected(age));
  assert.deepEqual(ids, ['ami-old']);
  assert.deepEqual(notes.get('ami-old amw:allowed-images'), [
    { where: `${DEV}/us-east-1`, why: '#0: created 400 days ago, more than 365' },
  ]);
  const allowed = await run('- type: allowed-images\n  state: allowed', collected(age));
  assert.deepEqual(allowed.ids, ['ami-home', 'ami-shared', 'ami-granted']);
});

test('allowed-images without criteria: a scope never collected is uncertain, except for its own images', async () => {
  const { ids, notes } = await run('- type: allowed-images', new CollectedAllowedImages());
  assert.deepEqual(ids, ['ami-shared', 'ami-old']);
  assert.deepEqual(notes.get('ami-shared amw:allowed-images'), [
    { where: `${DEV}/us-east-1`, why: 'Allowed AMIs setting not collected here', uncertain: true },
  ]);
});

test('allowed-images without criteria: unreadable collected criteria make the answer uncertain', async () => {
  const { ids, notes } = await run('- type: allowed-images', collected(undefined));
  // the owner's own images launch whatever its setting says
  assert.deepEqual(ids, ['ami-shared', 'ami-old']);
  assert.deepEqual(notes.get('ami-shared amw:allowed-images'), [
    { where: `${DEV}/us-east-1`, why: 'collected criteria could not be read', uncertain: true },
  ]);
});

test("allowed-images without criteria: AWS's ImageAllowed=false in audit mode blocks what the evaluator allows", async () => {
  const all = [{ ImageProviders: [OWNER] }];
  const report: [string, AwsReport][] = [
    ['ami-shared', { imageAllowed: false, reportedAt: '2026-11-01T00:00:00Z' }],
    ['ami-old', { imageAllowed: true, reportedAt: '2026-11-01T00:00:00Z' }],
  ];
  const { notes } = await run('- type: allowed-images', collected(all, report));
  assert.deepEqual(notes.get('ami-shared amw:allowed-images'), [
    {
      where: `${DEV}/us-east-1`,
      why: 'AWS reports ImageAllowed=false; the evaluator allows it (criterion 0)',
    },
  ]);
  assert.equal(notes.get('ami-old amw:allowed-images'), undefined);
});
