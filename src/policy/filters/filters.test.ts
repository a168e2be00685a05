import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileText } from '../engine.ts';
import { DEFAULT_GROUP } from '../config.ts';
import { Inventory } from '../inventory.ts';
import type { PolicyImage } from '../resource.ts';
import { NOW, image } from '../testing.ts';

const OUT = '999999999999';

function estate(): PolicyImage[] {
  return [
    image({ ImageId: 'ami-old', daysOld: 200, LastLaunchedTime: '2026-10-30T00:00:00Z' }),
    image({ ImageId: 'ami-new', daysOld: 5 }),
    image({
      ImageId: 'ami-run',
      usage: [{ id: 'i-1', state: 'running' }],
      LastLaunchedTime: '2025-01-01T00:00:00Z',
    }),
    image({ ImageId: 'ami-term', usage: [{ id: 'i-2', state: 'terminated' }] }),
    image({
      ImageId: 'ami-lt',
      usage: [{ kind: 'launch-template-version', id: 'lt-9:1', state: 'default' }],
    }),
    image({ ImageId: 'ami-shared', perms: [{ UserId: '111122223333' }, { UserId: OUT }] }),
    image({ ImageId: 'ami-pub', perms: [{ Group: 'all' }] }),
    image({
      ImageId: 'ami-enc',
      BlockDeviceMappings: [{ Ebs: { SnapshotId: 'snap-enc', Encrypted: true } }],
      Tags: [{ Key: 'c7n-cleanup', Value: 'Resource does not meet policy: deregister@2026/10/25' }],
    }),
    image({ ImageId: 'ami-third', OwnerId: '137112412989', ImageOwnerAlias: 'amazon', owned: true }),
    image({
      ImageId: 'ami-scanned',
      scan: {
        scannedAt: '2026-10-01T00:00:00Z',
        complete: true,
        cisFailures: { '1': 2, '2': 0 },
        hygieneFindings: 0,
        missingSecurityUpdates: 0,
      },
    }),
  ];
}

async function matches(filters: string): Promise<string[]> {
  const yaml = `policies:\n  - name: t\n    resource: aws.ami\n    filters:\n${filters.replace(/^/gm, '      ')}\n`;
  const [p] = await compileText('t.yml', yaml, [DEFAULT_GROUP]);
  assert.ok(p);
  const inv = new Inventory(estate(), ['111111111111', '111122223333']);
  const ctx = { now: NOW, inventory: inv, annotate: () => undefined };
  return inv.images.filter((i) => p.filter(i, ctx)).map((i) => i.resource.ImageId);
}

const CASES: [string, string, string[]][] = [
  ['image-age', '- type: image-age\n  days: 100', ['ami-old']],
  ['image-age op lt', '- type: image-age\n  days: 7\n  op: lt', ['ami-new']],
  [
    'unused ignores terminated instances and counts bare launch templates',
    '- type: unused',
    ['ami-old', 'ami-new', 'ami-term', 'ami-shared', 'ami-pub', 'ami-enc', 'ami-third', 'ami-scanned'],
  ],
  ['unused false', '- type: unused\n  value: false', ['ami-run', 'ami-lt']],
  [
    'in-use by running instances only',
    '- type: in-use\n  kinds: [instance]\n  instance-states: [running]',
    ['ami-run'],
  ],
  [
    'cross-account with whitelist',
    '- type: cross-account\n  whitelist: ["111122223333"]',
    ['ami-shared', 'ami-pub'],
  ],
  ['cross-account everyone_only', '- type: cross-account\n  everyone_only: true', ['ami-pub']],
  ['encrypted', '- type: encrypted', ['ami-enc']],
  ['marked-for-op due', '- type: marked-for-op\n  tag: c7n-cleanup\n  op: deregister', ['ami-enc']],
  ['marked-for-op other op', '- type: marked-for-op\n  tag: c7n-cleanup\n  op: stop', []],
  [
    'trusted-source false',
    '- type: trusted-source\n  aliases: [amazon]\n  owners: ["111111111111"]\n  value: false',
    [],
  ],
  ['trusted-source by alias', '- type: trusted-source\n  aliases: [amazon]', ['ami-third']],
  ['last-launched within 7 days', '- type: last-launched\n  days: 7\n  op: lt', ['ami-old']],
  [
    'image-attribute lastLaunchedTime',
    '- type: image-attribute\n  attribute: lastLaunchedTime\n  key: Value\n  op: gt\n  value_type: age\n  value: 60',
    // Like Custodian, a missing date counts as the epoch: never launched reads as "long ago".
    [
      'ami-new',
      'ami-run',
      'ami-term',
      'ami-lt',
      'ami-shared',
      'ami-pub',
      'ami-enc',
      'ami-third',
      'ami-scanned',
    ],
  ],
  ['scan failing at level 1', '- type: scan\n  cis-level: 1', ['ami-scanned']],
  ['scan failing at level 2', '- type: scan\n  cis-level: 2', []],
  ['scan clean never matches an unscanned image', '- type: scan\n  status: clean', []],
  [
    'or / and / not',
    '- or:\n  - type: encrypted\n  - and:\n    - type: image-age\n      days: 100\n    - not:\n      - type: unused\n        value: false',
    ['ami-old', 'ami-enc'],
  ],
  ['tag shorthand', '- "tag:c7n-cleanup": present', ['ami-enc']],
];

for (const [name, filters, want] of CASES) {
  test(`filter ${name}`, async () => {
    assert.deepEqual(await matches(filters), want);
  });
}

test('scan: an image without a scan matches not-scanned and never clean or failing', async () => {
  const all = await matches('- type: scan\n  status: not-scanned');
  assert.equal(all.length, 9);
  assert.ok(!all.includes('ami-scanned'));
});
