import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAmwError } from '../../errors.ts';
import { parsePackagesIndex, source, suiteFromLocation } from './debian-packages.ts';

const FIXTURE = new URL(
  '../../../test/fixtures/advisories/debian/bookworm-security_main_binary-amd64_Packages',
  import.meta.url,
);

test('reads stanzas, continuation lines and Source with its own version', () => {
  const stanzas = parsePackagesIndex(readFileSync(FIXTURE, 'utf8'));
  assert.deepEqual(
    stanzas.map((s) => [s.package, s.version, s.architecture, s.source ?? null]),
    [
      ['libssl3', '3.0.15-1~deb12u1', 'amd64', 'openssl'],
      ['openssl', '3.0.15-1~deb12u1', 'amd64', null],
      ['tzdata', '2024a-0+deb12u1', 'all', null],
    ],
  );
  const [cpp] = parsePackagesIndex('Package: cpp\nSource: gcc-defaults (1.204)\nVersion: 4:12.2.0-3\n');
  assert.equal(cpp?.source, 'gcc-defaults');
  assert.equal(cpp?.sourceVersion, '1.204');
});

test('rows are pending updates keyed by binary package, suite taken from the URL path', () => {
  const url = 'http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-amd64/Packages.xz';
  assert.equal(suiteFromLocation(url), 'bookworm-security');
  const rows = source.parse(readFileSync(FIXTURE, 'utf8'), { location: url });
  assert.equal(rows.length, 3);
  assert.deepEqual(
    { ...rows[0] },
    {
      source: 'debian-packages',
      advisoryId: 'bookworm-security/libssl3',
      cves: [],
      distro: 'debian',
      release: '12',
      packageName: 'libssl3',
      packageKind: 'binary',
      arch: 'amd64',
      status: 'pending-update',
      fixedVersion: '3.0.15-1~deb12u1',
      affectedFrom: null,
      severity: 'unknown',
      fixDate: null,
    },
  );
});

test('a local file needs its suite named', () => {
  assert.throws(
    () => source.parse(readFileSync(FIXTURE, 'utf8'), { location: '/tmp/Packages' }),
    (e) => isAmwError(e, 'AMW_ADVISORY_SOURCE') && /debian-packages:<suite>=/.test(e.message),
  );
  const rows = source.parse(readFileSync(FIXTURE, 'utf8'), {
    location: '/tmp/Packages',
    release: 'bookworm-updates',
  });
  assert.equal(rows[0]?.advisoryId, 'bookworm-updates/libssl3');
});
