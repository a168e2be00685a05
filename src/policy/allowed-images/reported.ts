import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';

/** ImageAllowed as AWS reported it to one account-region in audit mode. */
export interface AwsReport {
  readonly imageAllowed: boolean;
  /** The collection run that read it (the view's last_seen): AWS judged ages as of then. */
  readonly reportedAt: string;
}

/** Account-region -> image -> what AWS reported there. */
export type ReportedVerdicts = ReadonlyMap<string, ReadonlyMap<string, AwsReport>>;

export const scopeKey = (accountId: string, region: string): string => `${accountId}\u0000${region}`;

/**
 * What AWS said about the images in use, for account-regions collected in audit mode. In audit
 * mode AWS's ImageAllowed is the authority on the scope's own criteria; in enabled mode a
 * disallowed image is hidden (nothing to compare), and with the setting disabled there is no flag.
 */
export async function loadReportedVerdicts(db: Kysely<Database>): Promise<ReportedVerdicts> {
  const rows = await db
    .selectFrom('image_views as v')
    .innerJoin('account_settings as s', (j) =>
      j.onRef('s.account_id', '=', 'v.account_id').onRef('s.region', '=', 'v.region'),
    )
    .select(['v.account_id', 'v.region', 'v.image_id', 'v.image_allowed', 'v.last_seen'])
    .where('s.allowed_images_state', '=', 'audit-mode')
    .where('s.deleted_at', 'is', null)
    .where('v.deleted_at', 'is', null)
    .where('v.image_allowed', 'is not', null)
    .where('v.image_id', 'in', (q) =>
      q
        .selectFrom('image_usage')
        .select('image_id')
        .where('in_use', '=', 1)
        .where('image_id', 'is not', null),
    )
    .execute();
  const out = new Map<string, Map<string, AwsReport>>();
  for (const r of rows) {
    const key = scopeKey(r.account_id, r.region);
    const scope = out.get(key) ?? new Map<string, AwsReport>();
    scope.set(r.image_id, { imageAllowed: Number(r.image_allowed) === 1, reportedAt: r.last_seen });
    out.set(key, scope);
  }
  return out;
}
