import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isAmwError } from '../../errors.ts';
import { source } from './debian-tracker.ts';

const FIXTURE = new URL('../../../test/fixtures/advisories/debian/tracker.json', import.meta.url);
const rows = source.parse(readFileSync(FIXTURE, 'utf8'), { location: 'tracker.json' });
const byId = (id: string, release = '12') => rows.filter((r) => r.advisoryId === id && r.release === release);

test('a resolved CVE becomes a fixed source-package row per release, codenames mapped to numbers', () => {
  const [r] = byId('CVE-2099-0001');
  assert.deepEqual(
    { ...r },
    {
      source: 'debian-tracker',
      advisoryId: 'CVE-2099-0001',
      cves: ['CVE-2099-0001'],
      distro: 'debian',
      release: '12',
      packageName: 'openssl',
      packageKind: 'source',
      arch: '',
      status: 'fixed',
      fixedVersion: '3.0.15-1~deb12u1',
      affectedFrom: null,
      severity: 'high',
      fixDate: null,
    },
  );
  assert.equal(byId('CVE-2099-0001', '13')[0]?.fixedVersion, '3.3.1-1');
});

test('open issues are "no fix yet", ignored ones "will not fix"; never-affected and untriaged are dropped', () => {
  assert.equal(byId('CVE-2099-0002')[0]?.status, 'no-fix');
  assert.equal(byId('CVE-2099-0002')[0]?.fixedVersion, null);
  assert.equal(byId('CVE-2099-0003')[0]?.status, 'will-not-fix');
  assert.deepEqual(byId('CVE-2099-0004'), []);
  assert.deepEqual(byId('CVE-2099-0007'), []);
  // A guessed urgency ("medium*") still counts.
  assert.equal(byId('CVE-2099-0005')[0]?.severity, 'medium');
});

test('malformed input is an advisory-source error naming the location', () => {
  assert.throws(
    () => source.parse('{not json', { location: 'x.json' }),
    (e) => isAmwError(e, 'AMW_ADVISORY_SOURCE') && /x\.json/.test(e.message),
  );
  assert.throws(
    () => source.parse('[]', { location: 'x.json' }),
    (e) => isAmwError(e, 'AMW_ADVISORY_SOURCE'),
  );
});
