import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export const AGE_BUCKETS = ['<90d', '90-180d', '180-365d', '>365d'] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

export interface InventorySummary {
  /** Owned, not deleted images per account and age bucket. */
  byAccount: { accountId: string; name: string | null; total: number; buckets: Record<AgeBucket, number> }[];
  publicImages: string[];
  /** Owned images shared with other accounts, organizations or OUs (not public). */
  crossAccountShares: { imageId: string; grantees: string[] }[];
  unencrypted: string[];
  unused: string[];
  inUseOlderThan180d: string[];
  inUseNotDescribable: string[];
  deleted: number;
  danglingAsgRefs: number;
}

const DAY = 86_400_000;

export function ageBucket(created: string | null, asOf: Date): AgeBucket {
  const days = created ? (asOf.getTime() - Date.parse(created)) / DAY : Infinity;
  return days < 90 ? '<90d' : days < 180 ? '90-180d' : days < 365 ? '180-365d' : '>365d';
}

/** The demo's summary, computed against a reference time so it is reproducible. */
export async function inventorySummary(db: Kysely<Database>, asOf: Date): Promise<InventorySummary> {
  const accounts = await db
    .selectFrom('accounts')
    .select(['account_id', 'name'])
    .orderBy('account_id')
    .execute();
  const collected = new Set(accounts.map((a) => a.account_id));
  const images = await db.selectFrom('images').selectAll().orderBy('image_id').execute();
  const live = images.filter(
    (i) => i.deleted_at === null && i.owner_id !== null && collected.has(i.owner_id),
  );
  const usage = await db
    .selectFrom('image_usage')
    .select(['image_id', 'in_use'])
    .where('in_use', '=', 1)
    .execute();
  const used = new Set(usage.map((u) => u.image_id));
  const perms = await db
    .selectFrom('launch_permissions')
    .selectAll()
    .where('deleted_at', 'is', null)
    .execute();
  const bdms = await db
    .selectFrom('block_device_mappings')
    .select(['image_id'])
    .where('deleted_at', 'is', null)
    .where('encrypted', '=', 0)
    .execute();
  const unencryptedIds = new Set(bdms.map((b) => b.image_id));
  const byAccount = accounts.map((a) => {
    const mine = live.filter((i) => i.owner_id === a.account_id);
    const buckets = Object.fromEntries(AGE_BUCKETS.map((b) => [b, 0])) as Record<AgeBucket, number>;
    for (const i of mine) buckets[ageBucket(i.creation_date, asOf)]++;
    return { accountId: a.account_id, name: a.name, total: mine.length, buckets };
  });
  const shares = new Map<string, string[]>();
  for (const p of perms) {
    if (p.kind === 'group') continue;
    const owner = images.find((i) => i.image_id === p.image_id)?.owner_id;
    if (p.kind === 'account' && p.value === owner) continue;
    shares.set(p.image_id, [...(shares.get(p.image_id) ?? []), p.value]);
  }
  const dangling = await db
    .selectFrom('asg_launch_template_refs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('dangling', '=', 1)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return {
    byAccount,
    publicImages: live.filter((i) => i.public === 1).map((i) => i.image_id),
    crossAccountShares: [...shares.entries()]
      .filter(([id]) => live.some((i) => i.image_id === id))
      .map(([imageId, grantees]) => ({ imageId, grantees: grantees.sort() })),
    unencrypted: live.filter((i) => unencryptedIds.has(i.image_id)).map((i) => i.image_id),
    unused: live.filter((i) => !used.has(i.image_id)).map((i) => i.image_id),
    inUseOlderThan180d: live
      .filter(
        (i) =>
          used.has(i.image_id) && i.creation_date && asOf.getTime() - Date.parse(i.creation_date) > 180 * DAY,
      )
      .map((i) => i.image_id),
    inUseNotDescribable: images
      .filter((i) => i.describable === 0 && used.has(i.image_id))
      .map((i) => i.image_id),
    deleted: images.filter((i) => i.deleted_at !== null).length,
    danglingAsgRefs: Number(dangling?.n ?? 0),
  };
}
