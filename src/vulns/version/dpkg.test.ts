import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.ts';

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

/** A small deterministic PRNG so every run checks the same pairs. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

test('agrees with `dpkg --compare-versions` on generated pairs', { skip: dpkgMissing() }, async () => {
  const g = generator(20261123);
  const lines: string[] = [];
  const expected: string[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const a = g.version();
    const b = g.r() < 0.6 ? g.mutate(a) : g.version();
    const c = compareDpkgVersions(a, b);
    // Asking dpkg the relation we predict confirms the full three-way answer with one call.
    const op = c < 0 ? 'lt' : c > 0 ? 'gt' : 'eq';
    lines.push(`${a} ${op} ${b}`);
    expected.push(op);
  }
  const dir = mkdtempSync(join(tmpdir(), 'amw-dpkgcmp-'));
  try {
    // Two workers (two cores); each call is a fork+exec, so the loop runs in the POSIX shell
    // (lighter to fork than bash) with the C locale (dpkg skips loading locale files).
    const half = Math.ceil(lines.length / 2);
    const chunks = [lines.slice(0, half), lines.slice(half)];
    const outputs = await Promise.all(
      chunks.map((chunk, k) => {
        const input = join(dir, `pairs-${k}.txt`);
        const output = join(dir, `results-${k}.txt`);
        writeFileSync(input, `${chunk.join('\n')}\n`);
        const script = `while read -r a op b; do dpkg --compare-versions "$a" "$op" "$b" 2>/dev/null; echo $?; done < "$1" > "$2"`;
        return new Promise<string[]>((resolve, reject) => {
          const child = spawn('sh', ['-c', script, 'dpkgcmp', input, output], {
            stdio: 'ignore',
            env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
          });
          child.on('error', reject);
          child.on('exit', (code) =>
            code === 0
              ? resolve(readFileSync(output, 'utf8').trim().split('\n'))
              : reject(new Error(`sh exit ${code}`)),
          );
        });
      }),
    );
    const results = outputs.flat();
    assert.equal(results.length, lines.length);
    const disagreements = results.flatMap((rc, i) => (rc === '0' ? [] : [`${lines[i]} (dpkg exit ${rc})`]));
    assert.deepEqual(disagreements.slice(0, 20), [], `${disagreements.length} disagreements with dpkg`);
    const counts = { lt: 0, eq: 0, gt: 0 } as Record<string, number>;
    for (const op of expected) counts[op] = (counts[op] ?? 0) + 1;
    // The generator must produce all three outcomes in bulk, or the test would prove little.
    for (const op of ['lt', 'eq', 'gt']) assert.ok(counts[op]! > 500, `${op}: ${counts[op]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function dpkgMissing(): string | false {
  const probe = spawnSync('dpkg', ['--compare-versions', '1', 'lt', '2']);
  if (probe.error || probe.status !== 0) {
    const why = 'dpkg is not installed: the dpkg agreement test is SKIPPED';
    console.error(`!!! ${why}`);
    return why;
  }
  return false;
}
