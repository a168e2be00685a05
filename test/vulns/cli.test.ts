import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanImage } from '../../src/scan/scan-image.ts';
import { writeScan, writeUnscannable } from '../../src/scan/store/scan-store.ts';
import { openStore } from '../../src/store/db.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (p: string) => join(repo, 'test/fixtures/advisories', p);
const dir = mkdtempSync(join(tmpdir(), 'amw-adv-cli-'));
const db = join(dir, 'amiwarden.db');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI calls in one child process (every command loads once) and returns each result. */
function amiwarden(...calls: string[][]): Array<{ code: number; out: string; err: string }> {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repo, 'test/vulns/cli-runner.ts'), JSON.stringify(calls)],
    {
      encoding: 'utf8',
      cwd: repo,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Array<{ code: number; out: string; err: string }>;
}

function stanza(fields: Record<string, string>): string {
  return `${Object.entries({ Status: 'install ok installed', ...fields })
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n')}\n`;
}

/** A Debian 12 root with just what the matcher reads: os-release and the dpkg status file. */
function debianRoot(): string {
  const root = join(dir, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(
    join(root, 'etc/os-release'),
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
  );
  writeFileSync(
    join(root, 'var/lib/dpkg/status'),
    [
      stanza({ Package: 'libssl3', Source: 'openssl', Version: '3.0.11-1~deb12u2', Architecture: 'amd64' }),
      stanza({
        Package: 'cpp',
        Source: 'gcc-defaults (1.203)',
        Version: '4:12.2.0-3',
        Architecture: 'amd64',
      }),
      stanza({ Package: 'bash', Version: '5.2.15-2', Architecture: 'amd64' }),
    ].join('\n'),
  );
  return root;
}

test('advisories update imports local feeds, list shows them, check reports and gates on severity; bad input fails', () => {
  const root = debianRoot();
  const [up, list, check, table, critical, bad, missing] = amiwarden(
    [
      'advisories',
      'update',
      '--db',
      db,
      '--source',
      `debian-tracker=${fixture('debian/tracker.json')}`,
      `debian-packages:bookworm-security=${fixture('debian/bookworm-security_main_binary-amd64_Packages')}`,
    ],
    ['advisories', 'list', '--db', db],
    ['advisories', 'check', root, '--db', db, '--format', 'json'],
    ['advisories', 'check', root, '--db', db, '--fail-on', 'high'],
    ['advisories', 'check', root, '--db', db, '--fail-on', 'critical'],
    ['advisories', 'update', '--db', db, '--source', 'nvd=x'],
    ['advisories', 'update', '--db', db, '--source', `alas=${join(dir, 'nope.xml')}`],
  );
  assert.equal(up?.code, 0, up?.err);
  assert.match(up!.out, /debian-tracker\t.*tracker\.json\t6 rows/);
  assert.match(up!.out, /debian-packages\t.*\t3 rows/);

  assert.equal(list?.code, 0, list?.err);
  assert.equal(list!.out.trim().split('\n').length, 2);

  assert.equal(check?.code, 0, check?.err);
  const report = JSON.parse(check!.out) as {
    findings: Array<{ advisoryId: string; package: string; status: string }>;
  };
  assert.deepEqual(
    report.findings.map((f) => [f.advisoryId, f.package, f.status]),
    [
      ['CVE-2099-0001', 'libssl3', 'fixed'],
      ['CVE-2099-0005', 'cpp', 'fixed'],
      ['CVE-2099-0002', 'libssl3', 'no-fix'],
      ['CVE-2099-0003', 'libssl3', 'will-not-fix'],
    ],
  );
  assert.equal(table?.code, 1, table?.err);
  assert.match(
    table!.out,
    /high\s+CVE-2099-0001\s+libssl3 \(openssl\)\s+3\.0\.11-1~deb12u2\s+3\.0\.15-1~deb12u1/,
  );
  assert.match(table!.out, /no fix yet/);
  assert.match(table!.out, /libssl3\s+3\.0\.11-1~deb12u2\s+3\.0\.15-1~deb12u1\s+bookworm-security/);
  assert.equal(critical?.code, 0);

  assert.equal(bad?.code, 2);
  assert.match(bad!.err, /AMW_USAGE.*kind\[:release\]=URL\|FILE/);
  assert.equal(missing?.code, 2);
  assert.match(missing!.err, /AMW_ADVISORY_SOURCE: .*nope\.xml/);
});

test('advisories match --image on an image whose latest scan was unscannable says so and why (exit 2)', async () => {
  const matchDb = join(dir, 'unscannable.db');
  const ami = 'ami-0aa11bb22cc33dd44';
  const reason = 'snapshot snap-0123456789abcdef0: KMS key alias/prod refuses Decrypt';
  const store = await openStore(matchDb);
  let readable: string;
  try {
    // An earlier, readable scan of the same image: --scan still matches it; --image takes the latest.
    readable = await writeScan(store, ami, await scanImage(`dir:${debianRoot()}`));
    await writeUnscannable(store, ami, `ami:${ami}`, reason, new Date(Date.now() + 60_000));
  } finally {
    await store.close();
  }
  const [latest, older] = amiwarden(
    ['advisories', 'match', '--image', ami, '--db', matchDb],
    ['advisories', 'match', '--scan', readable, '--db', matchDb, '--format', 'json'],
  );
  assert.equal(latest?.code, 2, latest?.err);
  assert.equal(latest!.out, '');
  assert.match(
    latest!.err,
    /AMW_SCAN_UNSCANNABLE: scan [0-9a-f-]{36}: image ami-0aa11bb22cc33dd44 was unscannable: /,
  );
  assert.ok(latest!.err.includes(reason), latest!.err);
  assert.doesNotMatch(latest!.err, /package database/);
  assert.equal(older?.code, 0, older?.err);
  assert.equal((JSON.parse(older!.out) as { scanId: string }).scanId, readable);
});
