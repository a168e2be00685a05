import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../errors.ts';
import { readSecret, redact } from './secrets.ts';

test('secrets come from the environment first, then a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'amw-secret-'));
  const file = join(dir, 'token');
  writeFileSync(file, 's3cr3t-from-file\n');
  assert.equal(readSecret({ env: 'TOKEN' }, 'jira token', { TOKEN: 'from-env' }), 'from-env');
  assert.equal(readSecret({ env: 'TOKEN', file }, 'jira token', {}), 's3cr3t-from-file');
  assert.equal(readSecret({ file }, 'jira token', {}), 's3cr3t-from-file');
});

test('a missing secret names where it was looked for, never a value', () => {
  assert.throws(
    () => readSecret({ env: 'SLACK_URL' }, 'slack webhook ops', {}),
    (e: unknown) => isAmwError(e, 'AMW_WORKFLOW_SECRET') && /SLACK_URL is not set/.test(e.message),
  );
  assert.throws(
    () => readSecret({ file: '/nonexistent/secret' }, 'smtp password', {}),
    (e: unknown) =>
      isAmwError(e, 'AMW_WORKFLOW_SECRET') && /cannot read secret file \/nonexistent\/secret/.test(e.message),
  );
});

test('redact removes every known secret from a text', () => {
  assert.equal(
    redact('POST https://hooks.example/T0/B0/xyz1234 failed', ['https://hooks.example/T0/B0/xyz1234']),
    'POST [redacted] failed',
  );
});
