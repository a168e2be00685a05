import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { usageReferences } from '../../store/queries/image-usage.ts';
import { imageUsageReports } from '../../store/queries/usage-explain.ts';
import type { ImageUsageReport, UsageReportSet } from '../../store/queries/usage-explain.ts';
import type { BreakingReference } from '../../store/queries/usage-breaks.ts';
import { ageDays, tagMap } from './images.ts';

/** `amiwarden usage --stale-days`'s default: the API answers the same question the same way. */
export const DEFAULT_STALE_DAYS = 180;

/**
 * `amiwarden usage <id> --what-breaks -f json` for one image, without its header (the detail's
 * `image` says the same): the run it is as of, the verdict, references with stale flags, the
 * places usage is unknown, and what stops launching if the image is retired.
 */
export type UsageExplanation = Omit<UsageReportSet, 'images'> &
  Omit<ImageUsageReport, 'image' | 'what_breaks'> & { what_breaks: BreakingReference[] };

async function usageExplanation(
  db: Kysely<Database>,
  imageId: string,
  asOf: Date,
  staleDays: number,
): Promise<UsageExplanation> {
  const { images, ...set } = await imageUsageReports(db, [imageId], { asOf, staleDays, whatBreaks: true });
  const { image: _header, what_breaks, ...report } = images[0]!;
  return { ...set, ...report, what_breaks: what_breaks ?? [] };
}

/** Everything the image page shows: the image, who may launch it, what it is made of, and what runs on it. */
export async function imageDetail(
  db: Kysely<Database>,
  imageId: string,
  now = new Date(),
  staleDays = DEFAULT_STALE_DAYS,
) {
  const im = await db.selectFrom('images').selectAll().where('image_id', '=', imageId).executeTakeFirst();
  if (!im) return undefined;
  const [permissions, mappings, usage, copies, explanation] = await Promise.all([
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
    usageExplanation(db, imageId, now, staleDays),
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
    usage_explanation: explanation,
    copies,
  };
}
