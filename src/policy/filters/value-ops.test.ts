import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileValue } from './value-ops.ts';
import type { ValueSpec } from './value-ops.ts';

const NOW = new Date('2026-11-01T00:00:00Z');
const REC = {
  Name: 'Web-Base 2026',
  Public: false,
  Size: '42',
  CreationDate: '2026-07-01T00:00:00.000Z',
  DeprecationTime: '2026-11-20T00:00:00Z',
  Tags: [
    { Key: 'env', Value: 'prod' },
    { Key: 'owner', Value: 'team-a' },
  ],
  BlockDeviceMappings: [{ Ebs: { Encrypted: true } }, { Ebs: { Encrypted: false } }, { DeviceName: 'eph' }],
  Groups: ['a', 'b'],
};

const CASES: [string, ValueSpec, boolean][] = [
  ['eq on a tag', { key: 'tag:env', value: 'prod' }, true],
  ['equal alias', { key: 'tag:env', op: 'equal', value: 'dev' }, false],
  ['ne', { key: 'tag:env', op: 'ne', value: 'dev' }, true],
  ['ne on an absent key matches', { key: 'tag:nope', op: 'ne', value: 'x' }, true],
  ['present', { key: 'tag:owner', value: 'present' }, true],
  ['absent', { key: 'tag:cost', value: 'absent' }, true],
  ['empty on a missing list', { key: 'ProductCodes', value: 'empty' }, true],
  ['not-null on false is false', { key: 'Public', value: 'not-null' }, false],
  [
    'gt on a JMESPath count',
    { key: 'length(BlockDeviceMappings[?Ebs && Ebs.Encrypted != `true`])', op: 'gt', value: 0 },
    true,
  ],
  ['gte', { key: 'length(Groups)', op: 'gte', value: 2 }, true],
  ['lt mixed kinds never matches', { key: 'Name', op: 'lt', value: 5 }, false],
  ['le', { key: 'length(Groups)', op: 'le', value: 1 }, false],
  ['in', { key: 'tag:env', op: 'in', value: ['dev', 'prod'] }, true],
  ['not-in', { key: 'tag:env', op: 'not-in', value: ['dev', 'prod'] }, false],
  ['ni alias', { key: 'tag:env', op: 'ni', value: ['dev'] }, true],
  ['contains on a list', { key: 'Groups', op: 'contains', value: 'b' }, true],
  [
    'regex is case-insensitive and anchored at the start',
    { key: 'Name', op: 'regex', value: 'web-.*' },
    true,
  ],
  ['regex does not search mid-string', { key: 'Name', op: 'regex', value: 'Base' }, false],
  ['regex-case is case-sensitive', { key: 'Name', op: 'regex-case', value: 'web' }, false],
  ['glob', { key: 'Name', op: 'glob', value: 'Web-*20?6' }, true],
  ['intersect', { key: 'Groups', op: 'intersect', value: ['z', 'a'] }, true],
  ['age: older than 90 days', { key: 'CreationDate', op: 'gt', value: 90, value_type: 'age' }, true],
  ['age: not older than 200 days', { key: 'CreationDate', op: 'gt', value: 200, value_type: 'age' }, false],
  [
    'expiration: within 30 days',
    { key: 'DeprecationTime', op: 'lt', value: 30, value_type: 'expiration' },
    true,
  ],
  [
    'expiration: not within 10 days',
    { key: 'DeprecationTime', op: 'lt', value: 10, value_type: 'expiration' },
    false,
  ],
  ['integer', { key: 'Size', op: 'gt', value: 40, value_type: 'integer' }, true],
  ['size', { key: 'Groups', op: 'eq', value: 2, value_type: 'size' }, true],
  ['normalize', { key: 'Name', value: 'web-base 2026', value_type: 'normalize' }, true],
  ['date', { key: 'CreationDate', op: 'lt', value: '2026-08-01', value_type: 'date' }, true],
  ['swap', { key: 'Groups', op: 'in', value: 'a', value_type: 'swap' }, true],
];

for (const [name, spec, want] of CASES) {
  test(`value: ${name}`, () => {
    assert.equal(compileValue(spec)(REC, NOW), want);
  });
}

test('a malformed JMESPath key is refused when compiled, not when run', () => {
  assert.throws(() => compileValue({ key: 'length(', value: 1 }));
});
