import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../errors.ts';
import { parseNow } from './flags.ts';
import { runCli } from './testing.ts';

test('parseNow: absent stays absent, an ISO 8601 time is that instant, anything else is a usage error', () => {
  assert.equal(parseNow(undefined), undefined);
  assert.equal(parseNow('2026-11-23T10:15:00Z')?.toISOString(), '2026-11-23T10:15:00.000Z');
  assert.equal(parseNow('2026-11-23T10:15:00+02:00')?.toISOString(), '2026-11-23T08:15:00.000Z');
  for (const raw of ['', 'yesterday', '2026-13-45'])
    assert.throws(
      () => parseNow(raw),
      (e) => isAmwError(e, 'AMW_USAGE') && e.message === `--now expects an ISO 8601 time, got "${raw}"`,
      raw,
    );
});

test('run, workflow tick and waive refuse a bad --now in the same words, before opening the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amw-now-'));
  const db = join(dir, 'amiwarden.db');
  const policy = join(dir, 'absent.yml');
  const calls = [
    ['run', '-p', policy, '--db', db],
    ['workflow', 'tick', '-p', policy, '--db', db],
    ['waive', 'ami-0123456789abcdef0', '--reason', 'r', '--expires', '7d', '--db', db],
  ];
  try {
    for (const args of calls) {
      const { code, stderr } = await runCli([...args, '--now', 'next tuesday']);
      assert.equal(code, 2, args.join(' '));
      assert.equal(
        stderr,
        'amiwarden: error: AMW_USAGE: --now expects an ISO 8601 time, got "next tuesday"\n',
        args.join(' '),
      );
      assert.equal(existsSync(db), false, `${args.join(' ')} opened the store`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a number flag given something else is a usage error naming the flag, not an internal one', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amw-num-'));
  const db = join(dir, 'amiwarden.db');
  try {
    for (const raw of ['abc', '', '1e999']) {
      const { code, stderr } = await runCli([
        'usage',
        'ami-0123456789abcdef0',
        '--db',
        db,
        '--stale-days',
        raw,
      ]);
      assert.equal(code, 2, raw);
      assert.equal(stderr, `amiwarden: error: AMW_USAGE: --stale-days expects a number, got "${raw}"\n`, raw);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runCli reports the command outcome even after an earlier test in the file set process.exitCode', async () => {
  const runner = process.exitCode;
  process.exitCode = 1;
  try {
    const { code } = await runCli(['version']);
    assert.equal(code, 0);
    assert.equal(process.exitCode, 1, "the runner's value is put back");
  } finally {
    process.exitCode = runner;
  }
});
