import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareApkVersions, isValidApkVersion } from './apk.ts';
import { rng } from '../../seeded-rng.ts';

// Hand-derived from apk's documented grammar `digits{.digits}...{letter}{_suffix{#}}...{~hash}{-r#}`.
const VECTORS: ReadonlyArray<readonly [string, '<' | '=' | '>', string]> = [
  // plain numbers, part by part
  ['1', '=', '1'],
  ['1', '<', '2'],
  ['2', '<', '10'],
  ['1.0', '=', '1.0'],
  ['1.0', '<', '1.1'],
  ['1.2', '<', '1.10'],
  ['1.9', '<', '1.10'],
  ['1.2.3', '<', '1.2.4'],
  ['1.2.3', '<', '1.3'],
  ['1.2.10', '>', '1.2.9'],
  ['2.0', '>', '1.99.99'],
  ['10.0', '>', '9.9'],
  ['3.0.13', '<', '3.1.4'],
  ['1.36.1', '<', '1.36.10'],
  ['20240101', '>', '20231231'],
  // more parts is newer
  ['1.0', '<', '1.0.0'],
  ['1', '<', '1.0'],
  ['1.0.0', '<', '1.0.0.0'],
  ['1.0.0', '>', '1.0'],
  ['1.2', '<', '1.2.0.1'],
  // leading zeros: first part numeric, later dotted parts as text
  ['01', '=', '1'],
  ['001.2', '=', '1.2'],
  ['1.01', '<', '1.1'],
  ['1.1', '>', '1.01'],
  ['1.01', '<', '1.010'],
  ['1.001', '<', '1.01'],
  ['1.0', '<', '1.00'],
  ['1.00', '<', '1.000'],
  ['1.05', '<', '1.1'],
  ['1.09', '<', '1.1'],
  ['1.09', '>', '1.08'],
  ['1.010', '<', '1.02'],
  ['1.02', '>', '1.010'],
  ['1.0.01', '<', '1.0.1'],
  ['2023.01.05', '<', '2023.1.5'],
  ['1.0', '<', '1.01'],
  // a letter after the numbers is newer than none, older than another number
  ['1.2a', '>', '1.2'],
  ['1.2', '<', '1.2a'],
  ['1.2a', '<', '1.2b'],
  ['1.2z', '>', '1.2y'],
  ['1.2a', '<', '1.2.1'],
  ['1.2z', '<', '1.2.0'],
  ['1.2a', '<', '1.3'],
  ['1.0.2k', '>', '1.0.2j'],
  ['1.1.1w', '>', '1.1.1'],
  ['9a', '>', '9'],
  ['9a', '<', '10'],
  // pre-release suffixes before the release, in order
  ['1.0_rc1', '<', '1.0'],
  ['1.0', '>', '1.0_rc1'],
  ['1.0_alpha', '<', '1.0'],
  ['1.0_beta', '<', '1.0'],
  ['1.0_pre', '<', '1.0'],
  ['1.0_alpha', '<', '1.0_beta'],
  ['1.0_beta', '<', '1.0_pre'],
  ['1.0_pre', '<', '1.0_rc'],
  ['1.0_alpha9', '<', '1.0_beta1'],
  ['1.0_rc9', '<', '1.0'],
  ['1.0_alpha1', '<', '1.0_alpha2'],
  ['1.0_alpha2', '<', '1.0_alpha10'],
  ['1.0_alpha', '<', '1.0_alpha1'],
  ['1.0_alpha0', '>', '1.0_alpha'],
  ['1.0_rc01', '=', '1.0_rc1'],
  ['1.0_rc1', '>', '0.9'],
  ['1.0_rc1', '<', '1.0.1_rc1'],
  ['1.0_rc1', '<', '1.0a'],
  ['1.0_beta3', '<', '1.0.0'],
  // post-release suffixes after the release, in order
  ['1.0_p1', '>', '1.0'],
  ['1.0', '<', '1.0_p1'],
  ['1.0_cvs', '>', '1.0'],
  ['1.0_cvs', '<', '1.0_svn'],
  ['1.0_svn', '<', '1.0_git'],
  ['1.0_git', '<', '1.0_hg'],
  ['1.0_hg', '<', '1.0_p'],
  ['1.0_git20240101', '<', '1.0_git20240102'],
  ['1.0_git20240101', '>', '1.0_rc9'],
  ['1.0_p1', '<', '1.0_p2'],
  ['1.0_p9', '<', '1.0_p10'],
  ['1.0_p', '<', '1.0_p0'],
  ['1.0_p1', '<', '1.0.1'],
  ['1.0_p1', '<', '1.0a'],
  ['0.9_git20240101', '<', '0.9.1'],
  ['1.0_rc', '<', '1.0_p'],
  // several suffixes: each compared in turn
  ['1.0_alpha1_p1', '>', '1.0_alpha1'],
  ['1.0_alpha1_rc1', '<', '1.0_alpha1'],
  ['1.0_alpha1_p1', '<', '1.0_alpha2'],
  ['1.0_p1_p1', '>', '1.0_p1'],
  ['1.0_pre1_p2', '<', '1.0'],
  ['1.0_beta_alpha', '>', '1.0_alpha'],
  // package release
  ['1.0-r0', '>', '1.0'],
  ['1.0', '<', '1.0-r0'],
  ['1.0-r0', '<', '1.0-r1'],
  ['1.0-r1', '<', '1.0-r10'],
  ['1.0-r9', '<', '1.0-r10'],
  ['1.0-r01', '=', '1.0-r1'],
  ['1.0-r5', '<', '1.0.0-r0'],
  ['1.0-r99', '<', '1.0a-r0'],
  ['1.0-r99', '<', '1.0_p1-r0'],
  ['1.0_rc1-r5', '<', '1.0-r0'],
  ['1.0_rc1-r5', '<', '1.0'],
  ['1.0_rc-r1', '<', '1.0_rc1'],
  ['1.0_p1-r0', '>', '1.0-r9'],
  ['3.1.4-r5', '>', '3.1.4-r4'],
  ['3.1.4-r5', '<', '3.1.5-r0'],
  ['3.0.12-r4', '<', '3.0.13-r0'],
  ['1.36.1-r15', '<', '1.36.1-r20'],
  ['8.5.0-r0', '>', '8.4.0-r9'],
  ['2.4.58-r1', '=', '2.4.58-r1'],
  // commit hash: after the suffixes, before the release (so newer than any release of the bare version)
  ['1.0~abc123', '>', '1.0'],
  ['1.0~abc', '<', '1.0~abd'],
  ['1.0~ab', '<', '1.0~abc'],
  ['1.0~abc-r1', '>', '1.0~abc-r0'],
  ['1.0~abc', '>', '1.0-r9'],
  ['1.0_git20240101~abc', '>', '1.0_git20240101'],
  ['1.0~fff', '<', '1.0_p1'],
  // malformed: ordered as apk orders them (the broken tail sorts below everything, even the end)
  ['1.0foo', '<', '1.0f'],
  ['1.0_foo', '<', '1.0'],
  ['1.0-1', '<', '1.0'],
  ['1.0-r', '<', '1.0'],
  ['1.0.', '<', '1.0'],
  ['1.0_', '<', '1.0'],
  ['1.0A', '<', '1.0'],
  ['1.0A', '=', '1.0B'],
  ['v1.0', '=', 'x'],
  ['v1.0', '<', '0'],
  ['1.0-r1-r2', '<', '1.0-r1'],
  ['1.0-r1a', '<', '1.0-r1'],
];

const SYMBOL = { '<': -1, '=': 0, '>': 1 } as const;

test('apk version order: hand-derived vectors, both ways round', () => {
  assert.ok(VECTORS.length >= 120, `${VECTORS.length} vectors`);
  for (const [a, op, b] of VECTORS) {
    assert.equal(compareApkVersions(a, b), SYMBOL[op], `${a} ${op} ${b}`);
    assert.equal(compareApkVersions(b, a), -SYMBOL[op] || 0, `${b} vs ${a} (reversed)`);
  }
});

test('apk version order: one chain sorts consistently (transitive over every pair)', () => {
  const chain = [
    '0.9',
    '0.9_git20240101',
    '0.9.1',
    '1',
    '1.0_alpha',
    '1.0_alpha1',
    '1.0_alpha2',
    '1.0_beta',
    '1.0_pre1',
    '1.0_rc1',
    '1.0_rc1-r1',
    '1.0',
    '1.0-r0',
    '1.0-r1',
    '1.0~abc',
    '1.0_cvs',
    '1.0_svn',
    '1.0_git1',
    '1.0_hg',
    '1.0_p1',
    '1.0a',
    '1.0b-r3',
    '1.0.0',
    '1.00',
    '1.01',
    '1.1',
    '1.1.1w-r0',
    '1.2',
    '2',
    '10',
  ];
  for (let i = 0; i < chain.length; i++)
    for (let j = 0; j < chain.length; j++)
      assert.equal(
        compareApkVersions(chain[i]!, chain[j]!),
        Math.sign(i - j) || 0,
        `${chain[i]} vs ${chain[j]}`,
      );
  const shuffled = [...chain].reverse();
  shuffled.sort(compareApkVersions);
  assert.deepEqual(shuffled, chain);
});

test('valid versions are those apk accepts', () => {
  for (const v of [
    '1',
    '1.2.3',
    '1.2a',
    '1.0_rc1',
    '1.0_p',
    '1.0_alpha1_p2',
    '1.0~c0ffee',
    '1.0-r0',
    '2.4.58_git20240101~abc-r12',
  ])
    assert.ok(isValidApkVersion(v), v);
  for (const v of [
    '',
    'v1.0',
    '1.0-1',
    '1.0-r',
    '1.0_',
    '1.0_foo',
    '1.0.',
    '1..0',
    '1.0ab',
    '1.0A',
    '1.0~',
    '1.0~xyz',
    '1.0-r1_p1',
    '1.0a.1',
    '1.0 ',
  ])
    assert.equal(isValidApkVersion(v), false, JSON.stringify(v));
});

function generate(count: number, seed: number): string[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const num = () => pick(['0', '1', '2', '9', '10', '01', '00', '010', '20240101']);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let v = num();
    for (let k = Math.floor(r() * 3); k > 0; k--) v += `.${num()}`;
    if (r() < 0.2) v += pick(['a', 'b', 'z']);
    for (let k = Math.floor(r() * 2.5); k > 0; k--)
      v += `_${pick(['alpha', 'beta', 'pre', 'rc', 'cvs', 'svn', 'git', 'hg', 'p'])}${r() < 0.5 ? num() : ''}`;
    if (r() < 0.1) v += `~${pick(['0', 'ab', 'abc', 'f00d'])}`;
    if (r() < 0.6) v += `-r${num()}`;
    if (r() < 0.08) v += pick(['-1', '_x', '.', 'A', '-r']);
    out.push(v);
  }
  return out;
}

test('apk version order on 3,000 generated versions: antisymmetric, and a sort agrees with every pair', () => {
  const versions = generate(3000, 20261124);
  assert.ok(versions.some((v) => !isValidApkVersion(v)) && versions.some(isValidApkVersion));
  const sorted = [...versions].sort(compareApkVersions);
  const r = rng(7);
  for (let n = 0; n < 100_000; n++) {
    const i = Math.floor(r() * sorted.length);
    const j = Math.floor(r() * sorted.length);
    const a = sorted[i]!;
    const b = sorted[j]!;
    const c = compareApkVersions(a, b);
    assert.equal(compareApkVersions(b, a), -c || 0, `${a} vs ${b}`);
    if (i < j) assert.ok(c <= 0, `sorted ${a} before ${b}, yet compares ${c}`);
    if (c === 0) assert.equal(isValidApkVersion(a), isValidApkVersion(b), `${a} = ${b}`);
  }
});
