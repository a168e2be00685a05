import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

export const IMAGE_SORTS = [
  'creation_date',
  'name',
  'image_id',
  'region',
  'owner_id',
  'state',
  'usage',
] as const;
export type ImageSort = (typeof IMAGE_SORTS)[number];

export interface ImageListQuery {
  account?: string;
  region?: string;
  state?: string;
  /** Free text: part of the id or the name. */
  q?: string;
  public?: boolean;
  inUse?: boolean;
  encrypted?: boolean;
  includeDeleted?: boolean;
  /** Only images at least this many days old. */
  minAgeDays?: number;
  maxAgeDays?: number;
  sort?: ImageSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface ImageListItem {
  image_id: string;
  name: string | null;
  account_id: string;
  region: string;
  state: string;
  public: boolean | null;
  encrypted: boolean | null;
  creation_date: string | null;
  age_days: number | null;
  deprecation_time: string | null;
  in_use_refs: number;
  deleted_at: string | null;
  tags: Record<string, string>;
}

const DAY_MS = 86_400_000;

export function ageDays(iso: string | null, now: Date): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.floor((now.getTime() - t) / DAY_MS);
}

export function tagMap(json: string): Record<string, string> {
  try {
    const tags = JSON.parse(json) as { Key: string; Value: string }[];
    return Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
  } catch {
    return {};
  }
}

/** Filters, sorts and pages the images table with its usage count and encryption state. */
export async function listImages(db: Kysely<Database>, q: ImageListQuery, now = new Date()) {
  const inUse = sql<number>`(select count(*) from image_usage u where u.image_id = im.image_id and u.in_use = 1)`;
  // encrypted: 1 when every EBS mapping is encrypted, 0 when one is not, null without EBS mappings.
  const encrypted = sql<number | null>`(select min(b.encrypted) from block_device_mappings b
    where b.image_id = im.image_id and b.snapshot_id is not null and b.deleted_at is null)`;
  let base = db.selectFrom('images as im');
  if (!q.includeDeleted) base = base.where('im.deleted_at', 'is', null);
  if (q.account)
    base = base.where((eb) => eb(eb.fn.coalesce('im.owner_id', 'im.seen_by_account'), '=', q.account!));
  if (q.region) base = base.where('im.region', '=', q.region);
  if (q.state) base = base.where('im.state', '=', q.state);
  if (q.public !== undefined) base = base.where('im.public', '=', q.public ? 1 : 0);
  if (q.q) {
    const like = `%${q.q.toLowerCase()}%`;
    base = base.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['im.image_id']), 'like', like),
        eb(eb.fn('lower', ['im.name']), 'like', like),
      ]),
    );
  }
  if (q.minAgeDays !== undefined)
    base = base.where(
      'im.creation_date',
      '<=',
      new Date(now.getTime() - q.minAgeDays * DAY_MS).toISOString(),
    );
  if (q.maxAgeDays !== undefined)
    base = base.where(
      'im.creation_date',
      '>=',
      new Date(now.getTime() - q.maxAgeDays * DAY_MS).toISOString(),
    );
  if (q.inUse !== undefined) base = base.where(inUse, q.inUse ? '>' : '=', 0);
  if (q.encrypted !== undefined) base = base.where(encrypted, '=', q.encrypted ? 1 : 0);

  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const order = q.order ?? (q.sort === 'creation_date' || q.sort === undefined ? 'desc' : 'asc');
  const sortCol = q.sort === 'usage' ? sql.ref('in_use_refs') : sql.ref(`im.${q.sort ?? 'creation_date'}`);
  const rows = await base
    .select([
      'im.image_id',
      'im.name',
      'im.owner_id',
      'im.seen_by_account',
      'im.region',
      'im.state',
      'im.public',
      'im.creation_date',
      'im.deprecation_time',
      'im.deleted_at',
      'im.tags',
    ])
    .select([inUse.as('in_use_refs'), encrypted.as('encrypted')])
    .orderBy(sortCol, order)
    .orderBy('im.image_id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
  const items: ImageListItem[] = rows.map((r) => ({
    image_id: r.image_id,
    name: r.name,
    account_id: r.owner_id ?? r.seen_by_account,
    region: r.region,
    state: r.state,
    public: r.public === null ? null : Number(r.public) === 1,
    encrypted: r.encrypted === null || r.encrypted === undefined ? null : Number(r.encrypted) === 1,
    creation_date: r.creation_date,
    age_days: ageDays(r.creation_date, now),
    deprecation_time: r.deprecation_time,
    in_use_refs: Number(r.in_use_refs ?? 0),
    deleted_at: r.deleted_at,
    tags: tagMap(r.tags),
  }));
  return { total: Number(total.n), items };
}
