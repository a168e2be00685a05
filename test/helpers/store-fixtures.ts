import type { Kysely } from 'kysely';
import type { Database } from '../../src/store/schema.ts';

/** Minimal rows for tests that read the store without running a collection. */
const T0 = '2026-11-01T00:00:00.000Z';
const history = { first_seen: T0, last_seen: T0, deleted_at: null };

export interface FixtureImage {
  id: string;
  account: string;
  region?: string;
  name?: string;
  created: string;
  public?: boolean;
  encrypted?: boolean;
  snapshot?: string;
  deleted?: boolean;
  tags?: Record<string, string>;
  shares?: string[];
}

export async function insertImages(db: Kysely<Database>, images: readonly FixtureImage[]): Promise<void> {
  for (const im of images) {
    await db
      .insertInto('images')
      .values({
        ...history,
        deleted_at: im.deleted ? T0 : null,
        image_id: im.id,
        region: im.region ?? 'us-east-1',
        owner_id: im.account,
        name: im.name ?? im.id,
        state: 'available',
        public: im.public ? 1 : 0,
        creation_date: im.created,
        tags: JSON.stringify(Object.entries(im.tags ?? {}).map(([Key, Value]) => ({ Key, Value }))),
        product_codes: '[]',
        discovered_via: 'owned',
        describable: 1,
        owner_collected: 1,
        owner_facts: 'known',
        seen_by_account: im.account,
      } as never)
      .execute();
    const snap = im.snapshot ?? `snap-${im.id.slice(4)}`;
    await db
      .insertInto('block_device_mappings')
      .values({
        ...history,
        image_id: im.id,
        device_name: '/dev/xvda',
        snapshot_id: snap,
        encrypted: im.encrypted ? 1 : 0,
        no_device: 0,
      } as never)
      .execute();
    for (const acct of im.shares ?? [])
      await db
        .insertInto('launch_permissions')
        .values({ ...history, image_id: im.id, kind: 'account', value: acct } as never)
        .execute();
  }
}

export async function insertInstance(
  db: Kysely<Database>,
  i: { id: string; account: string; image: string; state: string; region?: string; launched?: string },
): Promise<void> {
  await db
    .insertInto('instances')
    .values({
      ...history,
      instance_id: i.id,
      account_id: i.account,
      region: i.region ?? 'us-east-1',
      image_id: i.image,
      state: i.state,
      launch_time: i.launched ?? T0,
      tags: '[]',
    } as never)
    .execute();
}
