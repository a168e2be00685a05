import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { isAmwError } from '../errors.ts';
import { runCli } from '../cli/testing.ts';
import { openStore } from './db.ts';
import { migrateLedger } from './ledger.ts';
import { MIGRATIONS } from './migrations/index.ts';

test('a read-only open refuses a store an older amiwarden wrote, naming what to run; a writing open upgrades it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amw-db-'));
  const file = join(dir, 'old.db');
  try {
    // What an older version left: every migration but the newest.
    const names = Object.keys(MIGRATIONS).sort();
    const newest = names.at(-1)!;
    const older = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(file) }) });
    await migrateLedger(
      older,
      Object.fromEntries(names.slice(0, -1).map((n) => [n, MIGRATIONS[n]!])),
      'amw_migrations',
    );
    await older.destroy();

    await assert.rejects(openStore(file, { readOnly: true }), (e: unknown) => {
      assert.ok(isAmwError(e, 'AMW_STORE_OPEN'), String(e));
      assert.match(
        e.message,
        new RegExp(`older amiwarden: 1 schema migration\\(s\\) pending \\(${newest}\\)`),
      );
      assert.match(e.message, /amiwarden collect/);
      return true;
    });
    const cli = await runCli(['allowed-images', 'simulate', '--db', file]);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /^amiwarden: error: AMW_STORE_OPEN: .*older amiwarden/);

    // Reading without the check stays possible for callers that ask for it.
    await (await openStore(file, { readOnly: true, migrate: false })).close();
    await (await openStore(file)).close();
    await (await openStore(file, { readOnly: true })).close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a read-only open of a SQLite file that is not an amiwarden store says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amw-db-'));
  const file = join(dir, 'other.db');
  try {
    new Database(file).exec('create table t (x int)');
    await assert.rejects(
      openStore(file, { readOnly: true }),
      (e: unknown) => isAmwError(e, 'AMW_STORE_OPEN') && /is not an amiwarden store/.test(e.message),
    );
    writeFileSync(join(dir, 'text.db'), 'plain text');
    await assert.rejects(openStore(join(dir, 'text.db'), { readOnly: true }), (e: unknown) =>
      isAmwError(e, 'AMW_STORE_OPEN'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
