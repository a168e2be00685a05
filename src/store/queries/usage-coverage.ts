import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { CollectionRunsTable, CollectionScopesTable } from '../tables/collection-runs.ts';
import { groupBy, inChunks } from './image-usage.ts';
import { latestRun, scopesOfRun } from './runs.ts';

/**
 * Where an image's usage cannot be known from the store: an account or account/region whose
 * references were never read (or not read in the last run). Such a place is "unknown", never "none".
 */
export interface UnknownUsage {
  /** An account id, or `*` for everyone (public), or an organization / OU ARN. */
  account_id: string;
  /** The region that was not read, or null when nothing of the account was read. */
  region: string | null;
  reason: string;
}

/** What the store can say about how complete its usage picture is. */
export interface UsageCoverage {
  run: CollectionRunsTable | undefined;
  /** Scopes of the latest run that failed: their rows are those of an earlier run. */
  failedScopes: CollectionScopesTable[];
  /** `account/region` pairs the collector reads today. */
  collectedScopes: Set<string>;
  collectedAccounts: Set<string>;
  /** True when the accounts came from Organizations (every member account is collected). */
  fromOrganizations: boolean;
  /** Live launch permissions per image. */
  grants: Map<string, { kind: string; value: string }[]>;
  /** Every grant an image ever had, removed ones included: instances launched then may still run. */
  everGranted: Map<string, { kind: string; value: string }[]>;
}

const byImage = (perms: { image_id: string; kind: string; value: string }[]) =>
  new Map(
    [...groupBy(perms, (p) => p.image_id)].map(([id, ps]) => [
      id,
      ps.map((p) => ({ kind: p.kind, value: p.value })),
    ]),
  );

export async function usageCoverage(
  db: Kysely<Database>,
  imageIds: readonly string[],
): Promise<UsageCoverage> {
  const run = await latestRun(db);
  const failedScopes = run ? (await scopesOfRun(db, run.run_id)).filter((s) => s.status !== 'ok') : [];
  const accounts = await db
    .selectFrom('accounts')
    .select(['account_id', 'source'])
    .where('deleted_at', 'is', null)
    .execute();
  const regions = await db
    .selectFrom('regions')
    .select(['account_id', 'region'])
    .where('deleted_at', 'is', null)
    .execute();
  const perms = await inChunks(imageIds, (ids) =>
    db
      .selectFrom('launch_permissions')
      .select(['image_id', 'kind', 'value', 'deleted_at'])
      .where('image_id', 'in', ids)
      .orderBy('image_id')
      .orderBy('kind')
      .orderBy('value')
      .execute(),
  );
  return {
    run,
    failedScopes,
    collectedScopes: new Set(regions.map((r) => `${r.account_id}/${r.region}`)),
    collectedAccounts: new Set(accounts.map((a) => a.account_id)),
    fromOrganizations: accounts.some((a) => a.source === 'organizations'),
    grants: byImage(perms.filter((p) => p.deleted_at === null)),
    everGranted: byImage(perms),
  };
}

export interface CoverageSubject {
  image_id: string;
  region: string;
  owner_id: string | null;
  /** False when the owner's collection did not read owner-only facts (launch permissions). */
  owner_facts_known: boolean;
  /** `amazon`, `aws-marketplace`, `aws-backup-vault`: a publisher whose other customers are not ours to count. */
  owner_alias?: string | null;
}

/**
 * The places an image's usage is unknown. References to an AMI live only in its own region, so a
 * failed scope matters when it is in that region and its account could hold one: the owner, an
 * account that holds or held a launch permission, any account when the image is or was public or
 * shared with an organization or OU (or its grants are unknown), or an account where a reference
 * was seen before. A grantee matters when its account, or the image's region of it, is not collected.
 */
export function unknownUsage(
  img: CoverageSubject,
  cov: UsageCoverage,
  refAccounts: ReadonlySet<string> = new Set(),
): UnknownUsage[] {
  const out: UnknownUsage[] = [];
  const seen = new Set<string>();
  const add = (u: UnknownUsage) => {
    const key = `${u.account_id}/${u.region ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(u);
  };
  const reach = (account: string, why: string) => {
    if (!cov.collectedAccounts.has(account))
      add({ account_id: account, region: null, reason: `${why}, but the account is not collected` });
    else if (!cov.collectedScopes.has(`${account}/${img.region}`))
      add({
        account_id: account,
        region: img.region,
        reason: `${why}, but ${img.region} is not collected there`,
      });
  };
  const ever = cov.everGranted.get(img.image_id) ?? [];
  const anyone = !img.owner_facts_known || ever.some((g) => g.kind !== 'account');
  const couldUse = (account: string) =>
    anyone ||
    account === img.owner_id ||
    refAccounts.has(account) ||
    ever.some((g) => g.kind === 'account' && g.value === account);
  for (const s of cov.failedScopes)
    if (s.region === img.region && couldUse(s.account_id))
      add({
        account_id: s.account_id,
        region: s.region,
        reason: `collection failed in the last run (${s.error_code ?? 'error'}: ${s.error_message ?? 'no message'}); its references are from an earlier run`,
      });
  // A deregistered image's owner-only facts are gone even when its owner is collected; then only
  // an uncollected owner is a gap (the grantees it had are checked through the stored grants).
  if (!img.owner_facts_known && !(img.owner_id && cov.collectedAccounts.has(img.owner_id))) {
    if (!img.owner_alias)
      add({
        account_id: img.owner_id ?? 'owner',
        region: null,
        reason: 'the owner is not collected: who else may launch the image, and their use, is unknown',
      });
    return out;
  }
  if (img.owner_id) reach(img.owner_id, 'owns the image');
  for (const g of cov.grants.get(img.image_id) ?? []) {
    if (g.kind === 'account') reach(g.value, 'holds a launch permission');
    else if (g.kind === 'group')
      add({
        account_id: '*',
        region: null,
        reason: 'the image is public: use by accounts outside the collection is unknown',
      });
    else if (!cov.fromOrganizations)
      add({
        account_id: g.value,
        region: null,
        reason: `shared with an ${g.kind}: its accounts outside the configured ones are unknown`,
      });
  }
  return out;
}
