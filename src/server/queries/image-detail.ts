import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { usageReferences } from '../../store/queries/image-usage.ts';
import { ageDays, tagMap } from './images.ts';

/** Everything the image page shows: the image, who may launch it, what it is made of, and what runs on it. */
export async function imageDetail(db: Kysely<Database>, imageId: string, now = new Date()) {
  const im = await db.selectFrom('images').selectAll().where('image_id', '=', imageId).executeTakeFirst();
  if (!im) return undefined;
  const [permissions, mappings, usage, copies] = await Promise.all([
    db
      .selectFrom('launch_permissions')
      .select(['kind', 'value', 'first_seen', 'deleted_at'])
      .where('image_id', '=', imageId)
      .orderBy('kind')
      .orderBy('value')
      .execute(),
    db
      .selectFrom('block_device_mappings as b')
      .leftJoin('snapshots as s', 's.snapshot_id', 'b.snapshot_id')
      .select([
        'b.device_name',
        'b.snapshot_id',
        'b.volume_size',
        'b.volume_type',
        'b.encrypted',
        's.kms_key_id',
        's.state as snapshot_state',
        's.account_id as snapshot_account',
      ])
      .where('b.image_id', '=', imageId)
      .where('b.deleted_at', 'is', null)
      .orderBy('b.device_name')
      .execute(),
    usageReferences(db, [imageId]),
    db
      .selectFrom('images')
      .select(['image_id', 'region', 'state', 'deleted_at'])
      .where('source_image_id', '=', imageId)
      .orderBy('region')
      .execute(),
  ]);
  // Snapshots this image shares with other images: deleting one image's snapshots would break these.
  const snapshotIds = mappings.map((m) => m.snapshot_id).filter((s): s is string => !!s);
  const sharedSnapshots = snapshotIds.length
    ? await db
        .selectFrom('block_device_mappings')
        .select(['snapshot_id', 'image_id'])
        .where('snapshot_id', 'in', snapshotIds)
        .where('image_id', '!=', imageId)
        .where('deleted_at', 'is', null)
        .execute()
    : [];
  const ownerFactsKnown = im.owner_facts === 'known';
  return {
    image: {
      image_id: im.image_id,
      name: im.name,
      description: im.description,
      account_id: im.owner_id ?? im.seen_by_account,
      owner_id: im.owner_id,
      owner_alias: im.owner_alias,
      region: im.region,
      state: im.state,
      public: im.public === null ? null : Number(im.public) === 1,
      creation_date: im.creation_date,
      age_days: ageDays(im.creation_date, now),
      deprecation_time: im.deprecation_time,
      deregistration_protection: im.deregistration_protection,
      last_launched_time: ownerFactsKnown ? im.last_launched_time : 'unknown',
      source_image_id: im.source_image_id,
      source_image_region: im.source_image_region,
      describable: Number(im.describable) === 1,
      discovered_via: im.discovered_via,
      owner_facts: im.owner_facts,
      first_seen: im.first_seen,
      last_seen: im.last_seen,
      deleted_at: im.deleted_at,
      tags: tagMap(im.tags),
    },
    launch_permissions: ownerFactsKnown ? permissions : 'unknown',
    block_devices: mappings.map((m) => ({
      ...m,
      encrypted: m.encrypted === null ? null : Number(m.encrypted) === 1,
    })),
    snapshots_shared_with: sharedSnapshots,
    usage,
    copies,
  };
}
