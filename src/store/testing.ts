// Test support: run the same store test over SQLite and PostgreSQL. Each store is fresh
// (a new SQLite file, a new PostgreSQL database) so tests never see each other's rows.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from './db.ts';
import type { Store } from './db.ts';

export interface StoreTarget {
  readonly name: 'sqlite' | 'postgres';
  /** Why this target is skipped (PostgreSQL unavailable), or undefined. */
  readonly skip: string | undefined;
  /** A fresh, migrated store and a function that removes it. */
  fresh(): Promise<{ store: Store; target: string; dispose(): Promise<void> }>;
}

function pgSkipReason(): string | undefined {
  if (process.env.AMW_TEST_PG_SKIP) return `PostgreSQL unavailable: ${process.env.AMW_TEST_PG_SKIP}`;
  if (!process.env.AMW_TEST_PG_URL)
    return 'PostgreSQL not set up (AMW_TEST_PG_URL unset; run `npm test` without --no-setup)';
  return undefined;
}

/** Runs one statement on the test server's maintenance connection (database create and drop). */
async function onServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

export const STORE_TARGETS: readonly StoreTarget[] = [
  {
    name: 'sqlite',
    skip: undefined,
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'amw-store-'));
      const target = join(dir, 'amiwarden.db');
      const store = await openStore(target);
      return {
        store,
        target,
        async dispose() {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: pgSkipReason(),
    async fresh() {
      const base = process.env.AMW_TEST_PG_URL as string;
      const dbName = `amw_${randomBytes(6).toString('hex')}`;
      await onServer(base, `create database ${dbName}`);
      const url = new URL(base);
      url.pathname = `/${dbName}`;
      const target = url.toString();
      const store = await openStore(target);
      return {
        store,
        target,
        async dispose() {
          await store.close();
          await onServer(base, `drop database if exists ${dbName} with (force)`);
        },
      };
    },
  },
];

/** Logs a loud line once per file when PostgreSQL variants are skipped. */
export function announceSkips(): void {
  for (const t of STORE_TARGETS) if (t.skip) console.error(`!!! store tests on ${t.name} SKIPPED: ${t.skip}`);
}
