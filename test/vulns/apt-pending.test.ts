// The pending-update set computed from the live Debian mirror must equal what apt itself would
// upgrade on the debootstrap Debian 12 root of the scanner tests. Needs the network, apt-get and
// AMW_TEST_DEBIAN_ROOT; skips loudly without them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDpkgStatus } from '../../src/scan/packages/dpkg.ts';
import { openStore } from '../../src/store/db.ts';
import { importSource } from '../../src/vulns/import.ts';
import { loadAdvisoryIndex } from '../../src/vulns/index-build.ts';
import { matchPackages } from '../../src/vulns/match.ts';

const MIRROR = process.env.AMW_TEST_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const SECURITY = process.env.AMW_TEST_DEBIAN_SECURITY_MIRROR ?? 'http://deb.debian.org/debian-security';
const SUITES = [
  { base: MIRROR, suite: 'bookworm', file: 'Packages.gz' },
  { base: MIRROR, suite: 'bookworm-updates', file: 'Packages.xz' },
  { base: SECURITY, suite: 'bookworm-security', file: 'Packages.xz' },
];

async function reachable(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function skipReason(): Promise<string | false> {
  const root = process.env.AMW_TEST_DEBIAN_ROOT;
  if (!root)
    return `no Debian 12 root (${process.env.AMW_TEST_DEBIAN_SKIP ?? 'AMW_TEST_DEBIAN_ROOT unset; run npm test without --no-setup'})`;
  if (!existsSync(join(root, 'var/lib/dpkg/status'))) return `${root} has no dpkg status`;
  if (spawnSync('apt-get', ['--version']).status !== 0) return 'apt-get is not installed';
  for (const s of SUITES)
    if (!(await reachable(`${s.base}/dists/${s.suite}/InRelease`)))
      return `Debian mirror unreachable (${s.base} ${s.suite})`;
  return false;
}

const skip = await skipReason();
if (skip) console.error(`!!! apt pending-update comparison SKIPPED: ${skip}`);

/** What `apt-get -s dist-upgrade` would upgrade: `Inst name [old] (new ...)` lines. */
function aptUpgrades(dir: string): Map<string, string> {
  const common = ['-o', `Dir=${dir}`, '-o', 'Debug::NoLocking=1', '-o', 'APT::Architectures::=amd64'];
  const update = spawnSync('apt-get', [...common, '-qq', 'update'], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(update.status, 0, `apt-get update: ${update.stderr}`);
  const sim = spawnSync('apt-get', [...common, '-s', 'dist-upgrade'], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, LC_ALL: 'C' },
  });
  assert.equal(sim.status, 0, `apt-get -s dist-upgrade: ${sim.stderr}`);
  const out = new Map<string, string>();
  for (const m of sim.stdout.matchAll(/^Inst (\S+) \[([^\]]+)\] \((\S+)/gm)) out.set(m[1]!, m[3]!);
  return out;
}

test(
  'pending updates from the live mirror equal apt-get -s dist-upgrade on the Debian 12 root',
  { skip },
  async () => {
    const root = process.env.AMW_TEST_DEBIAN_ROOT!;
    const dir = mkdtempSync(join(tmpdir(), 'amw-apt-'));
    try {
      // apt works on a copy of the root's package state, so the shared root is never touched.
      for (const d of [
        'etc/apt/apt.conf.d',
        'etc/apt/preferences.d',
        'var/lib/dpkg',
        'var/lib/apt/lists/partial',
        'var/cache/apt/archives/partial',
      ])
        mkdirSync(join(dir, d), { recursive: true });
      copyFileSync(join(root, 'var/lib/dpkg/status'), join(dir, 'var/lib/dpkg/status'));
      writeFileSync(
        join(dir, 'etc/apt/sources.list'),
        SUITES.map((s) => `deb [trusted=yes] ${s.base} ${s.suite} main\n`).join(''),
      );
      const store = await openStore(join(dir, 'amiwarden.db'));
      try {
        for (const s of SUITES) {
          const r = await importSource(
            store.db,
            { kind: 'debian-packages', location: `${s.base}/dists/${s.suite}/main/binary-amd64/${s.file}` },
            () => new Date(),
          );
          assert.equal(r.error, undefined, r.error);
          assert.ok(r.rows > 0, `${s.suite}: no rows`);
        }
        const os = { id: 'debian', versionId: '12' };
        const packages = parseDpkgStatus(readFileSync(join(dir, 'var/lib/dpkg/status'), 'utf8'));
        assert.ok(packages.length > 50, `only ${packages.length} packages in the root`);
        const report = matchPackages(packages, os, await loadAdvisoryIndex(store.db, os), new Date());
        const ours = new Map(report.pendingUpdates.map((p) => [p.package, p.candidate]));
        const apt = aptUpgrades(dir);
        console.error(
          `apt pending-update comparison: ${packages.length} installed, apt upgrades ${apt.size}, amiwarden ${ours.size}`,
        );
        assert.deepEqual([...ours].sort(), [...apt].sort());
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
