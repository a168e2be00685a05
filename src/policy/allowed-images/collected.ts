import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { ImageCriteria } from './criteria.ts';
import { parseStoredCriteria } from './load-criteria.ts';
import { loadReportedVerdicts, scopeKey } from './reported.ts';
import type { AwsReport, ReportedVerdicts } from './reported.ts';

/** One account-region's collected Allowed AMIs setting. */
export interface CollectedScope {
  /** disabled | audit-mode | enabled; null when not reported. */
  readonly state: string | null;
  /** Undefined when the stored criteria cannot be read: nothing can be judged in this scope. */
  readonly criteria: ImageCriteria | undefined;
}

/** What the collector read about Allowed AMIs, for filters that judge by each scope's own criteria. */
export class CollectedAllowedImages {
  constructor(
    private readonly scopes: ReadonlyMap<string, CollectedScope> = new Map(),
    private readonly reported: ReportedVerdicts = new Map(),
  ) {}

  /** Undefined when the account-region's settings were not collected. */
  scope(accountId: string, region: string): CollectedScope | undefined {
    return this.scopes.get(scopeKey(accountId, region));
  }

  /** ImageAllowed AWS reported to an audit-mode account-region for an image in use there. */
  reportedVerdict(accountId: string, region: string, imageId: string): AwsReport | undefined {
    return this.reported.get(scopeKey(accountId, region))?.get(imageId);
  }
}

export async function loadCollectedAllowedImages(db: Kysely<Database>): Promise<CollectedAllowedImages> {
  const rows = await db
    .selectFrom('account_settings')
    .select(['account_id', 'region', 'allowed_images_state', 'allowed_images_criteria'])
    .where('deleted_at', 'is', null)
    .execute();
  const scopes = new Map<string, CollectedScope>();
  for (const r of rows)
    scopes.set(scopeKey(r.account_id, r.region), {
      state: r.allowed_images_state,
      criteria: parseStoredCriteria(r.allowed_images_criteria),
    });
  return new CollectedAllowedImages(scopes, await loadReportedVerdicts(db));
}
