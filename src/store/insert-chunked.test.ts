import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { insertChunked } from './insert-chunked.ts';

interface Tables {
  items: { id: number; name: string };
}

test('rows go in `size` per statement, in order, and nothing is sent for none', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amw-chunks-'));
  const inserts: number[] = [];
  const db = new Kysely<Tables>({
    dialect: new SqliteDialect({ database: new Database(join(dir, 'chunks.db')) }),
    log: (e) => {
      if (e.level === 'query' && e.query.sql.startsWith('insert')) inserts.push(e.query.parameters.length);
    },
  });
  try {
    await sql`create table items (id integer primary key, name text not null)`.execute(db);
    const rows = Array.from({ length: 7 }, (_, i) => ({ id: i + 1, name: `n${i + 1}` }));
    await db.transaction().execute((tx) => insertChunked(tx, 'items', rows, 3));
    assert.deepEqual(inserts, [6, 6, 2], 'three statements: 3 + 3 + 1 rows of two columns');
    assert.deepEqual(await db.selectFrom('items').selectAll().orderBy('id').execute(), rows);
    await insertChunked(db, 'items', [], 3);
    assert.equal(inserts.length, 3);
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
});
