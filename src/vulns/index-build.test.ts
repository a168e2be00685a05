import { test } from 'node:test';
import assert from 'node:assert/strict';
import { releaseKey } from './index-build.ts';

test('release keys: Alpine branch is major.minor, EL clones the major, others VERSION_ID as is', () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ['alpine', '3.19.1', '3.19'],
    ['alpine', '3.19', '3.19'],
    ['alpine', '3.21_alpha20240807', '3.21'],
    ['alpine', '3.20.0_alpha20240329', '3.20'],
    ['alpine', 'edge', 'edge'],
    ['rocky', '9.3', '9'],
    ['debian', '12', '12'],
    ['ubuntu', '22.04', '22.04'],
    ['amzn', '2023', '2023'],
  ];
  for (const [id, versionId, key] of cases)
    assert.equal(releaseKey({ id, versionId }), key, `${id} ${versionId}`);
});
