import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

/**
 * How one account-region stands on public images:
 * - `predates-bpa`: block public access is on, yet images are public (shared before it was turned on;
 *   BPA blocks only new public sharing, so they stay public until unshared);
 * - `bpa-off-public`: BPA is off and images are public;
 * - `bpa-off`: BPA is off, nothing public yet, but anyone with the right may make an image public;
 * - `ok`: BPA on, nothing public;
 * - `unknown`: the setting was not collected for this scope.
 */
export type PublicVerdict = 'predates-bpa' | 'bpa-off-public' | 'bpa-off' | 'ok' | 'unknown';

export interface PublicImage {
  readonly imageId: string;
  readonly name: string | null;
  readonly creationDate: string | null;
  readonly state: string;
}

export interface PublicScope {
  readonly accountId: string;
  readonly region: string;
  /** block-new-sharing | unblocked | null when not collected. */
  readonly blockPublicAccess: string | null;
  readonly managedBy: string | null;
  readonly verdict: PublicVerdict;
  readonly images: readonly PublicImage[];
}

export interface PublicReport {
  readonly scopes: readonly PublicScope[];
  readonly summary: {
    readonly scopes: number;
    readonly publicImages: number;
    readonly predatingBpa: number;
    readonly scopesBpaOff: number;
  };
}

function verdictOf(bpa: string | null, count: number): PublicVerdict {
  if (bpa === null) return 'unknown';
  if (bpa === 'block-new-sharing') return count > 0 ? 'predates-bpa' : 'ok';
  return count > 0 ? 'bpa-off-public' : 'bpa-off';
}

/** Public images owned by collected accounts, per account-region, beside that scope's BPA state. */
export async function publicImagesReport(
  db: Kysely<Database>,
  covers: (accountId: string, region: string) => boolean,
): Promise<PublicReport> {
  const settings = await db
    .selectFrom('account_settings')
    .select(['account_id', 'region', 'image_block_public_access', 'image_block_public_access_managed_by'])
    .where('deleted_at', 'is', null)
    .execute();
  const images = await db
    .selectFrom('images')
    .select(['image_id', 'owner_id', 'region', 'name', 'creation_date', 'state'])
    .where('deleted_at', 'is', null)
    .where('public', '=', 1)
    .where('owner_collected', '=', 1)
    .orderBy('image_id')
    .execute();
  const key = (a: string, r: string) => `${a} ${r}`;
  const scopes = new Map<
    string,
    { accountId: string; region: string; bpa: string | null; by: string | null }
  >();
  for (const s of settings)
    scopes.set(key(s.account_id, s.region), {
      accountId: s.account_id,
      region: s.region,
      bpa: s.image_block_public_access,
      by: s.image_block_public_access_managed_by,
    });
  for (const i of images)
    if (i.owner_id !== null && !scopes.has(key(i.owner_id, i.region)))
      scopes.set(key(i.owner_id, i.region), { accountId: i.owner_id, region: i.region, bpa: null, by: null });
  const out: PublicScope[] = [];
  for (const s of [...scopes.values()].sort((a, b) =>
    key(a.accountId, a.region).localeCompare(key(b.accountId, b.region)),
  )) {
    if (!covers(s.accountId, s.region)) continue;
    const mine = images
      .filter((i) => i.owner_id === s.accountId && i.region === s.region)
      .map((i) => ({ imageId: i.image_id, name: i.name, creationDate: i.creation_date, state: i.state }));
    out.push({
      accountId: s.accountId,
      region: s.region,
      blockPublicAccess: s.bpa,
      managedBy: s.by,
      verdict: verdictOf(s.bpa, mine.length),
      images: mine,
    });
  }
  return {
    scopes: out,
    summary: {
      scopes: out.length,
      publicImages: out.reduce((n, s) => n + s.images.length, 0),
      predatingBpa: out.filter((s) => s.verdict === 'predates-bpa').reduce((n, s) => n + s.images.length, 0),
      scopesBpaOff: out.filter((s) => s.blockPublicAccess === 'unblocked').length,
    },
  };
}
