import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

/**
 * One reference to an image as read from the image_usage view, with the dialects' differences
 * smoothed out (PostgreSQL hands numerics over as text, SQLite booleans as 0/1). The dashboard's
 * image page and `amiwarden usage` both read references through here, so what counts as use is
 * decided once, by the view.
 */
export interface UsageReference {
  image_id: string;
  kind: string;
  ref_id: string;
  account_id: string;
  region: string;
  state: string;
  in_use: boolean;
  cross_account: boolean;
  since: string | null;
  age_days: number | null;
}

/** Display order of reference kinds: what runs first, then what launches, then pointers and grants. */
export const USAGE_KINDS = [
  'instance',
  'auto-scaling-group',
  'launch-template-version',
  'launch-configuration',
  'ssm-parameter',
  'other-account',
] as const;

const DAY_MS = 86_400_000;

// SQLite and PostgreSQL both accept this many parameters in one statement with room to spare.
const CHUNK = 500;

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `q` over the distinct values a chunk at a time, keeping the chunks' order. */
export async function inChunks<T>(
  values: readonly string[],
  q: (part: string[]) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (const part of chunks([...new Set(values)])) out.push(...(await q(part)));
  return out;
}

function wholeDays(since: string | null, asOf: Date): number | null {
  if (!since) return null;
  const t = Date.parse(since);
  return Number.isNaN(t) ? null : Math.floor((asOf.getTime() - t) / DAY_MS);
}

/**
 * The references of these images, ordered by image, kind and ref id. Ages are whole days: from
 * `asOf` when given (reproducible output), else as the view computed them against the database
 * clock.
 */
export async function usageReferences(
  db: Kysely<Database>,
  imageIds: readonly string[],
  asOf?: Date,
): Promise<UsageReference[]> {
  const rows = await inChunks(imageIds, (ids) =>
    db
      .selectFrom('image_usage')
      .selectAll()
      .where('image_id', 'in', ids)
      .orderBy('image_id')
      .orderBy('kind')
      .orderBy('ref_id')
      .execute(),
  );
  return rows.map((u) => ({
    image_id: u.image_id as string,
    kind: u.kind,
    ref_id: u.ref_id,
    account_id: u.account_id,
    region: u.region,
    state: u.state,
    in_use: Number(u.in_use) === 1,
    cross_account: Number(u.cross_account) === 1,
    since: u.since,
    age_days: asOf ? wholeDays(u.since, asOf) : u.age_days === null ? null : Math.floor(Number(u.age_days)),
  }));
}

/** Groups rows by a key, keeping their order. */
export function groupBy<T>(rows: readonly T[], key: (r: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}
