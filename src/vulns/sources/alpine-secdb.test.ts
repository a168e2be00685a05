import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAmwError } from '../../errors.ts';
import { source } from './alpine-secdb.ts';

const FIXTURE = new URL('../../../test/fixtures/advisories/alpine/secdb-v3.19-main.json', import.meta.url);
const rows = source.parse(readFileSync(FIXTURE, 'utf8'), { location: 'main.json' });

test('secfixes become fixed source-package rows of the branch, one per issue id', () => {
  assert.deepEqual(
    rows.map((r) => [r.advisoryId, r.packageName, r.fixedVersion, r.release, r.cves.join()]),
    [
      ['CVE-2099-5001', 'openssl', '3.1.4-r5', '3.19', 'CVE-2099-5001'],
      ['CVE-2099-5002', 'openssl', '3.1.4-r5', '3.19', 'CVE-2099-5002'],
      ['CVE-2099-5003', 'openssl', '3.1.4-r5', '3.19', 'CVE-2099-5003'],
      ['CVE-2099-5000', 'openssl', '3.1.2-r0', '3.19', 'CVE-2099-5000'],
      ['CVE-2099-5010', 'busybox', '1.36.1-r16', '3.19', 'CVE-2099-5010'],
      ['GHSA-xxxx-yyyy-zzzz', 'busybox', '1.36.1-r20', '3.19', ''],
      ['CVE-2099-5020', 'zlib', '1.3.1-r0', '3.19', 'CVE-2099-5020'],
      ['CVE-2099-5030', 'ncurses', '6.4_p20230507-r0', '3.19', 'CVE-2099-5030'],
    ],
  );
  const r = rows[0]!;
  assert.equal(r.source, 'alpine-secdb');
  assert.equal(r.distro, 'alpine');
  assert.equal(r.packageKind, 'source');
  assert.equal(r.status, 'fixed');
  assert.equal(r.severity, 'unknown');
  assert.equal(r.fixDate, null, 'the secdb has no dates: fixes date from the first import');
  assert.ok(!rows.some((x) => x.advisoryId === 'CVE-2099-5009'), '"0": never affected, no row');
});

test('the branch can be named; a file without one, or not a secdb, is refused', () => {
  const text = JSON.stringify({
    packages: [{ pkg: { name: 'zlib', secfixes: { '1.3-r0': ['CVE-2099-1'] } } }],
  });
  assert.equal(source.parse(text, { location: 'x.json', release: 'v3.20' })[0]!.release, '3.20');
  for (const bad of [text, '{"distroversion":"v3.19"}', 'nope'])
    assert.throws(
      () => source.parse(bad, { location: 'x.json' }),
      (err: unknown) => isAmwError(err) && err.code === 'AMW_ADVISORY_SOURCE',
    );
});
