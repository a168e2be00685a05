import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { AmwError, messageOf } from '../errors.ts';
import type { Database } from '../store/schema.ts';
import { SOURCE_KINDS } from './model.ts';
import type { SourceKind } from './model.ts';
import { fetchSource } from './sources/fetch.ts';
import { ADVISORY_SOURCES } from './sources/index.ts';
import { recordFailedImport, replaceSourceRows } from './store.ts';

/** One `--source` argument: `kind[:release]=URL|FILE`. */
export interface SourceSpec {
  readonly kind: SourceKind;
  readonly location: string;
  readonly release?: string;
}

export function parseSourceSpec(raw: string): SourceSpec {
  const eq = raw.indexOf('=');
  const head = eq > 0 ? raw.slice(0, eq) : '';
  const location = raw.slice(eq + 1);
  const [kind, release] = head.split(':');
  if (eq <= 0 || location === '' || !SOURCE_KINDS.includes(kind as SourceKind))
    throw new AmwError(
      'AMW_USAGE',
      `--source expects kind[:release]=URL|FILE with kind one of ${SOURCE_KINDS.join(', ')}; got "${raw}"`,
    );
  return { kind: kind as SourceKind, location, ...(release ? { release } : {}) };
}

export interface ImportResult {
  readonly spec: SourceSpec;
  readonly importId: string;
  readonly rows: number;
  readonly error?: string;
}

/**
 * Fetches, parses and stores one source. A failure is recorded as a failed import (its earlier rows
 * stay) and returned, so one unreachable feed does not stop the others.
 */
export async function importSource(
  db: Kysely<Database>,
  spec: SourceSpec,
  now: () => Date,
): Promise<ImportResult> {
  const importId = randomUUID();
  const startedAt = now().toISOString();
  const base = {
    import_id: importId,
    kind: spec.kind,
    location: spec.location,
    release: spec.release ?? null,
    started_at: startedAt,
  };
  try {
    const source = await ADVISORY_SOURCES[spec.kind]();
    const fetched = await fetchSource(spec.location);
    const rows = fetched.texts.flatMap((t) =>
      source.parse(t, { location: spec.location, ...(spec.release ? { release: spec.release } : {}) }),
    );
    const imp = { ...base, finished_at: now().toISOString(), status: 'ok', rows: rows.length, error: null };
    // Stored rows, after a feed's duplicate statements are folded.
    const stored = await replaceSourceRows(db, imp, rows);
    return { spec, importId, rows: stored };
  } catch (err) {
    const message = err instanceof AmwError ? err.message : messageOf(err);
    await recordFailedImport(db, {
      ...base,
      finished_at: now().toISOString(),
      status: 'failed',
      rows: 0,
      error: message,
    });
    return { spec, importId, rows: 0, error: message };
  }
}
