import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { TokenTables } from './auth/tokens.ts';

/** An extra section of the image page contributed by another stage (scans, violations, audit). */
export interface ImageSection {
  readonly name: string;
  load(imageId: string): Promise<unknown>;
}

export interface ServerContext {
  readonly db: Kysely<Database>;
  /** The same connection, typed for the server's own tables. */
  readonly tokens: Kysely<TokenTables>;
  /** What the SQL console opens read-only: the SQLite file path or the postgres:// URL. */
  readonly target: string;
  readonly now: () => Date;
  readonly imageSections: readonly ImageSection[];
  /** Account id -> account group name, from amiwarden.yml when present. */
  readonly groupOf: (accountId: string) => string | null;
}
