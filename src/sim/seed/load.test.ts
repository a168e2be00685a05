import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../../errors.ts';
import { loadEstate } from '../index.ts';
import { parseSeedText } from './load.ts';

const SMALL = new URL('../../../test/fixtures/seeds/small.yml', import.meta.url).pathname;

test('the small fixture seed loads into an estate', async () => {
  const state = await loadEstate(SMALL);
  assert.equal(state.accounts.size, 4);
  assert.equal(
    state.images.get('ami-0d000000000000001')?.created,
    Date.parse('2026-11-01T00:00:00Z') - 400 * 86_400_000,
  );
  assert.equal(state.instances.get('i-0d000000000000002')?.imageId, 'ami-0a000000000000001');
  // an undeclared root snapshot is created from the image's block device
  assert.equal(state.snapshots.get('snap-0d000000000000001')?.encrypted, false);
  assert.equal(state.snapshots.get('snap-0d000000000000002')?.kmsKeyId?.startsWith('arn:aws:kms:'), true);
});

test('a missing seed file is AMW_SEED_UNREADABLE naming the file', async () => {
  await assert.rejects(loadEstate('/nonexistent/seed.yml'), (err: unknown) => {
    assert.ok(isAmwError(err, 'AMW_SEED_UNREADABLE'));
    assert.match(err.toLine(), /^\/nonexistent\/seed\.yml: cannot read seed/);
    return true;
  });
});

test('broken YAML is AMW_SEED_UNREADABLE with its line', () => {
  assert.throws(
    () => parseSeedText('now: 2026-01-01T00:00:00Z\nregions: [us-east-1\naccounts: []\n', 'bad.yml'),
    (err: unknown) => isAmwError(err, 'AMW_SEED_UNREADABLE') && err.location?.line !== undefined,
  );
});

test('a schema violation is AMW_SEED_INVALID naming the YAML path and line', () => {
  const text = [
    'now: 2026-01-01T00:00:00Z',
    'regions: [us-east-1]',
    'accounts:',
    '  - id: "100000000001"',
    '    name: a',
    '    regions:',
    '      us-east-1:',
    '        images:',
    '          - id: ami-00000000000000001',
    '            name: x',
    '            created: yesterday',
  ].join('\n');
  assert.throws(
    () => parseSeedText(text, 'seed.yml'),
    (err: unknown) => {
      assert.ok(isAmwError(err, 'AMW_SEED_INVALID'));
      assert.equal(err.location?.line, 11);
      assert.match(err.message, /accounts\.0\.regions\.us-east-1\.images\.0\.created/);
      return true;
    },
  );
});

test('an unknown key is refused rather than ignored', () => {
  const text =
    'now: 2026-01-01T00:00:00Z\nregions: [us-east-1]\naccounts:\n  - id: "100000000001"\n    name: a\n    colour: blue\n';
  assert.throws(
    () => parseSeedText(text, 's.yml'),
    (err: unknown) => isAmwError(err, 'AMW_SEED_INVALID') && err.location?.line === 6,
  );
});

test('cross-reference errors (instance on an undeclared image) name the path and line', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'amw-seed-'));
  const file = join(dir, 'seed.yml');
  await writeFile(
    file,
    [
      'now: 2026-01-01T00:00:00Z',
      'regions: [us-east-1]',
      'accounts:',
      '  - id: "100000000001"',
      '    name: a',
      '    regions:',
      '      us-east-1:',
      '        instances:',
      '          - id: i-00000000000000001',
      '            image: ami-00000000000000009',
      '            state: running',
      '            launched: now-1d',
    ].join('\n'),
  );
  await assert.rejects(loadEstate(file), (err: unknown) => {
    assert.ok(isAmwError(err, 'AMW_SEED_INVALID'));
    assert.equal(err.location?.line, 10);
    assert.match(err.message, /ami-00000000000000009 is not declared/);
    return true;
  });
});

test('account ids written as bare numbers are accepted', () => {
  const loaded = parseSeedText(
    'now: 2026-01-01T00:00:00Z\nregions: [us-east-1]\naccounts:\n  - { id: 100000000001, name: a }\n',
    's.yml',
  );
  assert.equal(loaded.seed.accounts[0]!.id, '100000000001');
});

test('every fixture seed under test/fixtures/seeds loads', async () => {
  const { readdir } = await import('node:fs/promises');
  const dir = new URL('../../../test/fixtures/seeds/', import.meta.url).pathname;
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yml'));
  assert.ok(files.length >= 6);
  for (const f of files) await loadEstate(join(dir, f));
});
