import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { TABLE_KEYS } from './schema.ts';
import { STORE_TARGETS } from './testing.ts';

// Other stages add their own tables through migrations and document them with their stage.
const INVENTORY = [...Object.keys(TABLE_KEYS), 'collection_runs', 'collection_scopes', 'image_usage'].sort();

test('docs/schema.md documents every inventory table, view and column, and names no missing one', async () => {
  const doc = await readFile(new URL('../../docs/schema.md', import.meta.url), 'utf8');
  const sections = new Map<string, Set<string>>();
  for (const part of doc.split(/^## /m).slice(1)) {
    const name = (part.split('\n')[0] ?? '').replace(/ \(view\)$/, '').trim();
    const cols = new Set<string>();
    for (const m of part.matchAll(/^\| ([a-z_, ]+) \|/gm))
      for (const c of (m[1] ?? '').split(',')) cols.add(c.trim());
    cols.delete('column');
    sections.set(name, cols);
  }
  const fresh = await (STORE_TARGETS[0] as (typeof STORE_TARGETS)[number]).fresh();
  try {
    const tables = await sql<{
      name: string;
    }>`select name from sqlite_master where type in ('table', 'view') and name not like 'amw_%' and name not like 'sqlite_%' order by name`.execute(
      fresh.store.db,
    );
    const actual = new Map<string, Set<string>>();
    for (const { name } of tables.rows) {
      const info = await sql<{ name: string }>`select name from pragma_table_info(${name})`.execute(
        fresh.store.db,
      );
      actual.set(name, new Set(info.rows.map((r) => r.name)));
    }
    for (const name of sections.keys())
      assert.ok(actual.has(name), `docs/schema.md names a missing table ${name}`);
    for (const name of INVENTORY) {
      assert.ok(sections.has(name), `docs/schema.md lacks ${name}`);
      assert.deepEqual([...(sections.get(name) ?? [])].sort(), [...(actual.get(name) ?? [])].sort(), name);
    }
  } finally {
    await fresh.dispose();
  }
});
