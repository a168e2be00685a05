import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAmwError } from '../../errors.ts';
import { source } from './alas.ts';

const xml = readFileSync(
  new URL('../../../test/fixtures/advisories/amzn/updateinfo.xml', import.meta.url),
  'utf8',
);

test('security updates become fixed binary rows per package and arch, source rpms and bug fixes skipped', () => {
  const rows = source.parse(xml, { location: 'updateinfo.xml' });
  assert.deepEqual(
    rows.map((r) => [r.advisoryId, r.packageName, r.arch, r.fixedVersion, r.severity, r.fixDate]),
    [
      ['ALAS2023-2099-101', 'curl-minimal', 'x86_64', '8.5.0-1.amzn2023.0.3', 'high', '2026-10-03'],
      ['ALAS2023-2099-101', 'libcurl-minimal', 'x86_64', '8.5.0-1.amzn2023.0.3', 'high', '2026-10-03'],
      ['ALAS2023-2099-101', 'libcurl-minimal', 'aarch64', '8.5.0-1.amzn2023.0.3', 'high', '2026-10-03'],
      ['ALAS2023-2099-102', 'openssh-server', 'x86_64', '8.7p1-1.amzn2023.0.2', 'medium', '2026-09-01'],
      ['ALAS2023-2099-103', 'sudo', 'x86_64', '1:1.9.15-1.amzn2023.0.1', 'critical', '2026-11-01'],
    ],
  );
  assert.deepEqual(rows[0]?.cves, ['CVE-2099-2001', 'CVE-2099-2002']);
  assert.ok(rows.every((r) => r.distro === 'amzn' && r.release === '2023' && r.status === 'fixed'));
});

test('a document without <updates> is an advisory-source error', () => {
  assert.throws(
    () => source.parse('<html></html>', { location: 'x.xml' }),
    (e) => isAmwError(e, 'AMW_ADVISORY_SOURCE'),
  );
});
