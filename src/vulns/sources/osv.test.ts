import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAmwError } from '../../errors.ts';
import { ecosystemTarget, source as osv } from './osv.ts';
import { source as ubuntu } from './ubuntu-osv.ts';

const fixture = (p: string) =>
  readFileSync(new URL(`../../../test/fixtures/advisories/${p}`, import.meta.url), 'utf8');

test('ecosystems map to os-release id and version, Ubuntu Pro skipped', () => {
  assert.deepEqual(ecosystemTarget('Ubuntu:22.04:LTS'), {
    distro: 'ubuntu',
    release: '22.04',
    packageKind: 'source',
  });
  assert.equal(ecosystemTarget('Ubuntu:Pro:18.04:LTS'), undefined);
  assert.deepEqual(ecosystemTarget('Debian:12'), { distro: 'debian', release: '12', packageKind: 'source' });
  assert.deepEqual(ecosystemTarget('Alpine:v3.19'), {
    distro: 'alpine',
    release: '3.19',
    packageKind: 'source',
  });
  assert.deepEqual(ecosystemTarget('Rocky Linux:9'), {
    distro: 'rocky',
    release: '9',
    packageKind: 'binary',
  });
  assert.equal(ecosystemTarget('npm'), undefined);
});

test('a USN gives one fixed source-package row per supported release, dated by publication', () => {
  const rows = ubuntu.parse(fixture('ubuntu/USN-9901-1.json'), { location: 'USN-9901-1.json' });
  assert.deepEqual(
    rows.map((r) => [
      r.release,
      r.packageName,
      r.status,
      r.fixedVersion,
      r.severity,
      r.fixDate,
      r.cves.join(),
    ]),
    [
      ['22.04', 'curl', 'fixed', '7.81.0-1ubuntu1.18', 'high', '2026-10-01', 'CVE-2099-1001'],
      ['24.04', 'curl', 'fixed', '8.5.0-2ubuntu10.5', 'high', '2026-10-01', 'CVE-2099-1001'],
    ],
  );
});

test('a CVE record without a fixed event is "no fix yet"', () => {
  const [r] = ubuntu.parse(fixture('ubuntu/UBUNTU-CVE-2099-1002.json'), { location: 'cve.json' });
  assert.equal(r?.status, 'no-fix');
  assert.equal(r?.fixedVersion, null);
  assert.equal(r?.fixDate, null);
  assert.deepEqual(r?.cves, ['CVE-2099-1002']);
});

test('generic OSV: arrays, binary rpm packages, vendor severity words, withdrawn records dropped', () => {
  const rows = osv.parse(fixture('osv/rocky-9.json'), { location: 'rocky-9.json' });
  assert.deepEqual(
    rows.map((r) => [
      r.advisoryId,
      r.distro,
      r.release,
      r.packageName,
      r.packageKind,
      r.fixedVersion,
      r.severity,
    ]),
    [['RLSA-2099:0101', 'rocky', '9', 'openssl-libs', 'binary', '1:3.0.7-27.el9_4', 'high']],
  );
  const lines =
    fixture('ubuntu/USN-9901-1.json').replace(/\n\s*/g, '') +
    '\n' +
    fixture('ubuntu/UBUNTU-CVE-2099-1002.json').replace(/\n\s*/g, '');
  assert.equal(osv.parse(lines, { location: 'all.jsonl' }).length, 3);
  assert.throws(
    () => osv.parse('nope', { location: 'bad.json' }),
    (e) => isAmwError(e, 'AMW_ADVISORY_SOURCE'),
  );
});
