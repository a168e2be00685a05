import type { Insertable, Kysely, Transaction } from 'kysely';

/**
 * Inserts `rows` into `table` `size` rows per statement, so a long list stays under the drivers'
 * bound-parameter limits (SQLite 32766, PostgreSQL 65535). Run it inside a transaction when the
 * rows must land together.
 */
export async function insertChunked<DB, T extends keyof DB>(
  // Both named: TypeScript does not infer DB from a Transaction passed as a Kysely.
  db: Transaction<DB> | Kysely<DB>,
  table: T & string,
  rows: ReadonlyArray<Insertable<NoInfer<DB>[T]>>,
  size: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += size)
    await db
      .insertInto(table as never)
      .values(rows.slice(i, i + size) as never)
      .execute();
}
