import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/schema.ts';
import { markUnseenDeleted, syncRows, upsertRows } from '../store/sync.ts';
import { batches } from '../aws/paging.ts';
import { NON_OWNER_IMAGE_COLUMNS } from './images.ts';
import type { ScopeData } from './types.ts';

/**
 * Writes one fully collected scope in one transaction. Owned images the owner no longer
 * lists are marked deleted (and not describable) but kept, with their mappings.
 */
export async function writeScope(db: Kysely<Database>, data: ScopeData, now: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const scope = { account_id: data.accountId, region: data.region };
    await upsertRows(trx, 'images', data.ownedImages, now);
    await markOwnedImagesDeleted(trx, data, now);
    // The owner's own view wins: a consumer only adds the row if the owner's run has not.
    const ownerCollected = data.otherImages.filter((i) => i.owner_collected === 1);
    await upsertRows(trx, 'images', ownerCollected, now, []);
    const thirdParty = data.otherImages.filter((i) => i.owner_collected !== 1);
    await upsertRows(trx, 'images', thirdParty, now, NON_OWNER_IMAGE_COLUMNS);
    // Known only from instance metadata: never revive a row the owner marked deleted.
    await upsertRows(
      trx,
      'images',
      data.metadataImages.map((m) => m.row),
      now,
      [],
      { revive: false },
    );
    const gone = data.metadataImages.filter((m) => m.deregistered).map((m) => m.row.image_id);
    for (const b of batches(gone, 500))
      await trx
        .updateTable('images')
        .set({ deleted_at: now, describable: 0 })
        .where('image_id', 'in', b)
        .where('deleted_at', 'is', null)
        .execute();

    // Per-viewer facts: only this scope's own rows, so another account's run never touches them.
    await syncRows(trx, 'image_views', data.imageViews, scope, now);

    const describedIds = [...data.ownedImages, ...data.otherImages].map((i) => i.image_id);
    await upsertRows(trx, 'block_device_mappings', data.blockDeviceMappings, now);
    await markUnseenDeleted(trx, 'block_device_mappings', { image_id: describedIds }, now);
    await upsertRows(trx, 'launch_permissions', data.launchPermissions, now);
    await markUnseenDeleted(
      trx,
      'launch_permissions',
      { image_id: data.ownedImages.map((i) => i.image_id) },
      now,
    );

    await syncRows(trx, 'snapshots', data.snapshots, scope, now);
    await syncRows(trx, 'instances', data.instances, scope, now);
    await syncRows(trx, 'launch_templates', data.launchTemplates, scope, now);
    await syncRows(trx, 'launch_template_versions', data.launchTemplateVersions, scope, now);
    await syncRows(trx, 'launch_configurations', data.launchConfigurations, scope, now);
    await syncRows(trx, 'auto_scaling_groups', data.autoScalingGroups, scope, now);
    await syncRows(trx, 'asg_launch_template_refs', data.asgRefs, scope, now);
    await syncRows(trx, 'ssm_parameters', data.ssmParameters, scope, now);
    await syncRows(trx, 'account_settings', [data.settings], scope, now);
    await upsertRows(
      trx,
      'regions',
      [{ account_id: data.accountId, region: data.region, opt_in_status: null }],
      now,
    );
  });
}

/** Compares by id, not by last_seen: another account may have touched the row in this run. */
async function markOwnedImagesDeleted(
  trx: Transaction<Database>,
  data: ScopeData,
  now: string,
): Promise<void> {
  const listed = new Set(data.ownedImages.map((i) => i.image_id));
  const stored = await trx
    .selectFrom('images')
    .select('image_id')
    .where('owner_id', '=', data.accountId)
    .where('region', '=', data.region)
    .where('deleted_at', 'is', null)
    .execute();
  const gone = stored.map((r) => r.image_id).filter((id) => !listed.has(id));
  for (const b of batches(gone, 500))
    await trx
      .updateTable('images')
      .set({ deleted_at: now, describable: 0 })
      .where('image_id', 'in', b)
      .execute();
}
