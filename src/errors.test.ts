import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AmwError } from './errors.ts';

test('AmwError renders file:line:col when it has a location', () => {
  const err = new AmwError('AMW_POLICY_SCHEMA', 'days must be a number', {
    location: { file: 'p.yml', line: 3, column: 7 },
  });
  assert.equal(err.toLine(), 'p.yml:3:7: days must be a number [AMW_POLICY_SCHEMA]');
  assert.equal(new AmwError('AMW_USAGE', 'bad').toLine(), 'AMW_USAGE: bad');
});

test('docs/errors.md documents every error code and no other', async () => {
  const { readFile } = await import('node:fs/promises');
  const { ERROR_CATALOG } = await import('./errors.ts');
  const doc = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `(AMW_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, Object.keys(ERROR_CATALOG).sort());
});

test('docs/errors.md gives each code the meaning the catalog gives it, word for word', async () => {
  const { readFile } = await import('node:fs/promises');
  const { ERROR_CATALOG } = await import('./errors.ts');
  const doc = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map([...doc.matchAll(/^\| `(AMW_[A-Z0-9_]+)` \| (.*) \|$/gm)].map((m) => [m[1], m[2]]));
  for (const [code, meaning] of Object.entries(ERROR_CATALOG)) assert.equal(rows.get(code), meaning, code);
});
