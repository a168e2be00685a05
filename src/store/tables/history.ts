/**
 * Every stored row carries its history: rows are never forgotten, a row that a complete
 * collection no longer sees gets deleted_at instead. Timestamps are ISO-8601 UTC text in
 * both dialects so that SQLite and PostgreSQL rows compare and print the same.
 */
export interface HistoryColumns {
  first_seen: string;
  last_seen: string;
  deleted_at: string | null;
}

/** SQL booleans are stored as 0/1 integers in both dialects; null means "unknown". */
export type SqlBool = 0 | 1;
