import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../errors.ts';
import { loadCollectConfig } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'amw-cfg-'));
const file = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('the collect section of amiwarden.yml is read; other sections are left to their commands', () => {
  const p = file(
    'ok.yml',
    'collect:\n  accounts: ["111111111111"]\n  regions: [us-east-1]\n  role_name: Audit\npolicies: []\n',
  );
  assert.deepEqual(loadCollectConfig(p, true), {
    accounts: ['111111111111'],
    regions: ['us-east-1'],
    role_name: 'Audit',
  });
});

test('a missing default config is fine, a missing named one is an error', () => {
  assert.deepEqual(loadCollectConfig(join(dir, 'absent.yml'), false), {});
  assert.throws(
    () => loadCollectConfig(join(dir, 'absent.yml'), true),
    (e) => isAmwError(e, 'AMW_CONFIG_INVALID'),
  );
});

test('unknown keys and bad values in the collect section are refused with their path', () => {
  const p = file('bad.yml', 'collect:\n  acounts: ["111111111111"]\n');
  assert.throws(
    () => loadCollectConfig(p, true),
    (e) => isAmwError(e, 'AMW_CONFIG_INVALID') && /acounts|additional/i.test(e.message),
  );
  const q = file('bad2.yml', 'collect:\n  accounts: ["12"]\n');
  assert.throws(
    () => loadCollectConfig(q, true),
    (e) => isAmwError(e, 'AMW_CONFIG_INVALID') && /accounts\.0/.test(e.message),
  );
  const y = file('bad3.yml', 'collect: [\n');
  assert.throws(
    () => loadCollectConfig(y, true),
    (e) => isAmwError(e, 'AMW_CONFIG_INVALID'),
  );
});
