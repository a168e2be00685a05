import type { Kysely } from 'kysely';
import { loadImageResources } from '../store/image-resources.ts';
import type { ImageResource } from '../store/image-resources.ts';
import type { Database } from '../store/schema.ts';
import { Inventory } from './inventory.ts';
import { latestScans } from './store-scans.ts';
import { loadCollectedAllowedImages } from './allowed-images/collected.ts';
import type { ScanTables } from '../scan/store/scan-tables.ts';
import type { AmiRecord, PolicyImage } from './resource.ts';

// Our facts ride beside the Custodian record, never inside it, so value filters and
// resources.json see DescribeImages fields only.
const FACTS = new Set([
  'AccountId',
  'Region',
  'LaunchPermissions',
  'LastLaunched',
  'Usage',
  'InUse',
  'Describable',
  'DiscoveredVia',
  'OwnerCollected',
  'FirstSeen',
  'LastSeen',
  'DeletedAt',
]);

export function toPolicyImage(r: ImageResource): PolicyImage {
  const resource: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!FACTS.has(k)) resource[k] = v;
  if (typeof r.LastLaunched === 'string' && r.LastLaunched !== 'unknown')
    resource.LastLaunchedTime = r.LastLaunched;
  return {
    resource: resource as AmiRecord,
    accountId: r.AccountId,
    region: r.Region,
    owned: r.OwnerCollected && r.OwnerId === r.AccountId,
    launchPermissions: r.LaunchPermissions === 'unknown' ? undefined : r.LaunchPermissions,
    usage: r.Usage.map((u) => ({
      kind: u.Kind,
      id: u.RefId,
      accountId: u.AccountId,
      region: u.Region,
      state: u.State,
      inUse: u.InUse,
    })),
  };
}

/** Everything the store knows, as one inventory: every image in every state, every collected account. */
export async function loadInventory(db: Kysely<Database>): Promise<Inventory> {
  const scans = await latestScans(db as unknown as Kysely<ScanTables>);
  const images = (await loadImageResources(db)).map((r) => {
    const img = toPolicyImage(r);
    const scan = scans.get(img.resource.ImageId);
    return scan ? { ...img, scan } : img;
  });
  const accounts = await db
    .selectFrom('accounts')
    .select('account_id')
    .where('deleted_at', 'is', null)
    .execute();
  return new Inventory(
    images,
    accounts.map((a) => a.account_id),
    await loadCollectedAllowedImages(db),
  );
}
