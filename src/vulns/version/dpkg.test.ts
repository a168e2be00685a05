import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.ts';
import { rng } from '../../seeded-rng.ts';

test('parses epoch, upstream and revision the way dpkg splits them', () => {
  assert.deepEqual(parseDpkgVersion('1:2.3-4'), { epoch: 1, upstream: '2.3', revision: '4' });
  assert.deepEqual(parseDpkgVersion('2.3'), { epoch: 0, upstream: '2.3', revision: '' });
  assert.deepEqual(parseDpkgVersion('1:2:3-4-5'), { epoch: 1, upstream: '2:3-4', revision: '5' });
  assert.deepEqual(parseDpkgVersion('007:1-1'), { epoch: 7, upstream: '1', revision: '1' });
});

test('orders the deb-version(7) example and classic cases', () => {
  const ascending = ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+', '1.0.1', '1.1', '1.10', '2', '1:0'];
  for (let i = 0; i + 1 < ascending.length; i++) {
    assert.ok(
      compareDpkgVersions(ascending[i]!, ascending[i + 1]!) < 0,
      `${ascending[i]} < ${ascending[i + 1]}`,
    );
    assert.ok(compareDpkgVersions(ascending[i + 1]!, ascending[i]!) > 0);
  }
  assert.equal(compareDpkgVersions('1.0-0', '1.0'), 0);
  assert.equal(compareDpkgVersions('0:1.01', '1.1'), 0);
  assert.ok(compareDpkgVersions('2.36.1-8+deb12u1', '2.36.1-8') > 0);
  assert.ok(compareDpkgVersions('1.2.3-1~bpo12+1', '1.2.3-1') < 0);
});

function generator(seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const num = () => pick(['0', '1', '2', '9', '10', '01', '001', '010', '99', '100', '20230101', '3']);
  const word = () => pick(['a', 'b', 'z', 'A', 'Z', 'rc', 'beta', 'dfsg', 'deb', 'ubuntu', 'git', 'p']);
  const sep = () => pick(['.', '.', '.', '+', '~', '~~', '']);
  const part = (allowed: readonly string[]) => {
    let s = num();
    const n = Math.floor(r() * 5);
    for (let i = 0; i < n; i++) {
      const c = sep();
      s += allowed.includes(c) || c === '' ? c : '.';
      s += r() < 0.6 ? num() : word();
    }
    return s;
  };
  const version = (): string => {
    const epoch = pick(['', '', '', '0:', '1:', '2:', '01:', '10:']);
    let upstream = part(['.', '+', '~', '~~']);
    const hasRevision = r() < 0.7;
    if (hasRevision && r() < 0.1) upstream += `-${part(['.'])}`;
    if (epoch !== '' && r() < 0.05) upstream += `:${num()}`;
    const revision = hasRevision ? `-${part(['.', '+', '~'])}` : '';
    return `${epoch}${upstream}${revision}`;
  };
  // Near neighbours exercise the interesting cases: same prefix, one token changed or appended.
  const mutate = (v: string): string => {
    switch (Math.floor(r() * 7)) {
      case 0:
        return `${v}~${pick(['', 'rc1', '1'])}`;
      case 1:
        return `${v}${pick(['+deb12u1', '.1', 'a', '+', '0'])}`;
      case 2:
        return v.replace(/\d+/, (d) => pick([`0${d}`, String(Number(d) + 1), d]));
      case 3:
        // Dropping an epoch is only valid when the rest has no colon of its own.
        if (!v.includes(':')) return `0:${v}`;
        return v.indexOf(':') === v.lastIndexOf(':') ? v.slice(v.indexOf(':') + 1) : v;
      case 4:
        return v.replace(/-([^-]*)$/, (_m, rev: string) => `-${rev}${pick(['~1', '.1', '+b1', ''])}`);
      case 5:
        return v.endsWith('-0') ? v.slice(0, -2) : `${v}-0`;
      default:
        return v;
    }
  };
  return { version, mutate, r };
}

const PAIRS = 10_000;

test('agrees with dpkg on generated pairs', { skip: dpkgMissing() }, () => {
  const g = generator(20261123);
  const pairs: [string, string][] = [];
  const expected: Verdict[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = g.version();
    const b = g.r() < 0.6 ? g.mutate(a) : g.version();
    const c = compareDpkgVersions(a, b);
    pairs.push([a, b]);
    expected.push(c < 0 ? 'lt' : c > 0 ? 'gt' : 'eq');
  }
  const dir = mkdtempSync(join(tmpdir(), 'amw-dpkgcmp-'));
  try {
    const verdicts = dpkgVerdicts(pairs, dir);
    const disagreements = pairs.flatMap(([a, b], i) =>
      verdicts[i] === expected[i] ? [] : [`${a} vs ${b}: ours ${expected[i]}, dpkg ${verdicts[i]}`],
    );
    assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements with dpkg`);
    // The merge is a channel to dpkg's comparison, not the documented interface: a sample of
    // pairs goes through `dpkg --compare-versions` too, so a change in merge rules shows here.
    const sample = pairs.flatMap(([a, b], i) => (i % 50 === 0 ? [`${a} ${verdicts[i]} ${b}`] : []));
    assert.deepEqual(
      compareVersionsFails(sample, dir),
      [],
      'dpkg --compare-versions disagrees with the merge',
    );
    const counts = { lt: 0, eq: 0, gt: 0 } as Record<string, number>;
    for (const op of expected) counts[op] = (counts[op] ?? 0) + 1;
    // The generator must produce all three outcomes in bulk, or the test would prove little.
    for (const op of ['lt', 'eq', 'gt']) assert.ok(counts[op]! > 500, `${op}: ${counts[op]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type Verdict = 'lt' | 'eq' | 'gt' | 'inconsistent';

/**
 * Asks one dpkg process for every pair. `dpkg --merge-avail` keeps a package's stanza already
 * in the available file when the merged one has an older version (dpkg's own C comparison)
 * and takes the merged one otherwise. Each pair is merged both ways (a then b, b then a),
 * which gives b >= a and a >= b, so the full three-way answer, from two dpkg runs instead of
 * one process per pair.
 */
function dpkgVerdicts(pairs: readonly [string, string][], dir: string): Verdict[] {
  const admin = join(dir, 'admin');
  mkdirSync(join(admin, 'updates'), { recursive: true });
  mkdirSync(join(admin, 'info'));
  writeFileSync(join(admin, 'status'), '');
  writeFileSync(join(admin, 'available'), '');
  const stanza = (name: string, version: string, from: string) =>
    `Package: ${name}\nVersion: ${version}\nArchitecture: all\nMaintainer: ${from}\nDescription: pair\n`;
  const first = pairs.flatMap(([a, b], i) => [
    stanza(`p${i}-ab`, a, 'first'),
    stanza(`p${i}-ba`, b, 'first'),
  ]);
  const second = pairs.flatMap(([a, b], i) => [
    stanza(`p${i}-ab`, b, 'second'),
    stanza(`p${i}-ba`, a, 'second'),
  ]);
  writeFileSync(join(dir, 'first'), first.join('\n'));
  writeFileSync(join(dir, 'second'), second.join('\n'));
  for (const [action, file] of [
    ['--update-avail', 'first'],
    ['--merge-avail', 'second'],
  ] as const) {
    const run = spawnSync('dpkg', [`--admindir=${admin}`, action, join(dir, file)], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    });
    assert.equal(run.status, 0, `dpkg ${action}: ${run.error?.message ?? run.stderr}`);
  }
  const winner = new Map<string, string>();
  for (const block of readFileSync(join(admin, 'available'), 'utf8').split(/\n\n+/)) {
    const name = /^Package: (\S+)$/m.exec(block)?.[1];
    const from = /^Maintainer: (\S+)$/m.exec(block)?.[1];
    if (name && from) winner.set(name, from);
  }
  return pairs.map((_pair, i) => {
    const bAtLeastA = winner.get(`p${i}-ab`) === 'second';
    const aAtLeastB = winner.get(`p${i}-ba`) === 'second';
    if (aAtLeastB && bAtLeastA) return 'eq';
    if (bAtLeastA) return 'lt';
    if (aAtLeastB) return 'gt';
    return 'inconsistent';
  });
}

/** Lines `a op b` that `dpkg --compare-versions` does not confirm, one dpkg run per line. */
function compareVersionsFails(lines: readonly string[], dir: string): string[] {
  const input = join(dir, 'sample.txt');
  writeFileSync(input, `${lines.join('\n')}\n`);
  const script =
    'while read -r a op b; do dpkg --compare-versions "$a" "$op" "$b" 2>/dev/null; echo $?; done < "$1"';
  const run = spawnSync('sh', ['-c', script, 'dpkgcmp', input], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
  });
  assert.equal(run.status, 0, run.stderr);
  const codes = run.stdout.trim().split('\n');
  assert.equal(codes.length, lines.length);
  return lines.filter((_line, i) => codes[i] !== '0');
}

function dpkgMissing(): string | false {
  const probe = spawnSync('dpkg', ['--compare-versions', '1', 'lt', '2']);
  if (probe.error || probe.status !== 0) {
    const why = 'dpkg is not installed: the dpkg agreement test is SKIPPED';
    console.error(`!!! ${why}`);
    return why;
  }
  return false;
}
