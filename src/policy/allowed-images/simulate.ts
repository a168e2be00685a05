import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { describeVerdict, imageAllowed } from './evaluate.ts';
import type { CriterionFailure, ImageFacts } from './evaluate.ts';
import type { ImageCriteria } from './criteria.ts';
import type { ImageUsageView } from '../../store/tables/image-usage.ts';
import { groupBy } from '../../store/queries/image-usage.ts';
import { parseStoredCriteria } from './load-criteria.ts';
import { loadReportedVerdicts, scopeKey } from './reported.ts';
import type { AwsReport } from './reported.ts';

/** The usage kinds a blocked image breaks; bare sharing grants (`other-account`) launch nothing. */
export const BREAKING_KINDS = [
  'instance',
  'launch-template-version',
  'launch-configuration',
  'auto-scaling-group',
  'ssm-parameter',
] as const;
export type BreakingKind = (typeof BREAKING_KINDS)[number];

export interface SimulateOptions {
  /** Proposed criteria for every selected scope; each scope's collected criteria when absent. */
  readonly criteria?: ImageCriteria;
  /** Which account-regions to simulate. */
  readonly covers: (accountId: string, region: string) => boolean;
  readonly now: Date;
}

export interface BrokenUse {
  readonly kind: BreakingKind;
  readonly refId: string;
  /** The reference's state (running, default, latest, zero-capacity...). */
  readonly state: string;
}

export interface BlockedImage {
  readonly imageId: string;
  readonly name: string | null;
  readonly ownerId: string | null;
  readonly ownerAlias: string | null;
  /** The image is not in the inventory, or misses a fact a criterion needs: it may be allowed. */
  readonly uncertain: boolean;
  /** Failing criteria, as the evaluator sees them (empty when only AWS blocks the image). */
  readonly failures: readonly CriterionFailure[];
  readonly uses: readonly BrokenUse[];
  /** The evaluator's verdict; `allowed` when the image is listed only because AWS reports it not allowed. */
  readonly evaluator: 'allowed' | 'blocked';
  /** Why the evaluator allows it (`own account`, `criterion 1`), when it does. */
  readonly allowedBy: string | null;
  /**
   * ImageAllowed as AWS reported it to this account-region, for a scope collected in audit mode
   * and judged by its own collected criteria; null otherwise (or not reported).
   */
  readonly aws: AwsReport | null;
  /** The evaluator and AWS's report differ (AWS is the authority in audit mode). */
  readonly disagrees: boolean;
}

export interface ScopeSimulation {
  readonly accountId: string;
  readonly region: string;
  /** The collected setting: disabled | audit-mode | enabled (null when not reported). */
  readonly state: string | null;
  readonly criteriaSource: 'collected' | 'proposed';
  /** Null when the collected criteria could not be read: nothing was evaluated. */
  readonly criteriaCount: number | null;
  readonly imagesInUse: number;
  /** Images in use in this scope that enabling the setting would block, by image id. */
  readonly blocked: readonly BlockedImage[];
}

export interface SimulationSummary {
  readonly scopes: number;
  readonly scopesBreaking: number;
  readonly scopesUnreadable: number;
  readonly imagesBlocked: number;
  readonly imagesUncertain: number;
  /** Blocked images on which the evaluator and AWS's reported ImageAllowed differ. */
  readonly disagreements: number;
  readonly uses: Record<BreakingKind, number>;
}

export interface Simulation {
  readonly now: string;
  readonly criteriaSource: 'collected' | 'proposed';
  readonly scopes: readonly ScopeSimulation[];
  readonly summary: SimulationSummary;
}

type UseRow = Pick<ImageUsageView, 'image_id' | 'kind' | 'ref_id' | 'account_id' | 'region' | 'state'>;

/** Images whose facts are not in the store are judged on what is known: their id only. */
function unknownImage(imageId: string): ImageFacts {
  return {
    imageId,
    ownerId: null,
    ownerAlias: null,
    name: null,
    productCodes: null,
    creationDate: null,
    deprecationTime: null,
  };
}

function productCodeIds(json: string | null, describable: number | null): string[] | null {
  // An image never described (seen only through an instance) has '[]' stored: not a fact.
  if (describable === 0 || json === null) return null;
  try {
    const list = JSON.parse(json) as { ProductCodeId?: string }[];
    return list.map((p) => p.ProductCodeId).filter((p): p is string => typeof p === 'string');
  } catch {
    return null;
  }
}

async function loadFacts(db: Kysely<Database>): Promise<Map<string, ImageFacts>> {
  const rows = await db
    .selectFrom('images')
    .select([
      'image_id',
      'owner_id',
      'owner_alias',
      'name',
      'product_codes',
      'creation_date',
      'deprecation_time',
      'describable',
    ])
    .where('image_id', 'in', (q) =>
      q
        .selectFrom('image_usage')
        .select('image_id')
        .where('in_use', '=', 1)
        .where('image_id', 'is not', null),
    )
    .execute();
  const facts = new Map<string, ImageFacts>();
  for (const r of rows)
    facts.set(r.image_id, {
      imageId: r.image_id,
      ownerId: r.owner_id,
      ownerAlias: r.owner_alias,
      name: r.name,
      productCodes: productCodeIds(r.product_codes, r.describable === null ? null : Number(r.describable)),
      creationDate: r.creation_date,
      deprecationTime: r.deprecation_time,
    });
  return facts;
}

/**
 * Which images in use would stop launching in each account-region if Allowed AMIs went to
 * `enabled` with the collected (or proposed) criteria, and what each one breaks.
 */
export async function simulateAllowedImages(
  db: Kysely<Database>,
  opts: SimulateOptions,
): Promise<Simulation> {
  const settings = await db
    .selectFrom('account_settings')
    .select(['account_id', 'region', 'allowed_images_state', 'allowed_images_criteria'])
    .where('deleted_at', 'is', null)
    .orderBy('account_id')
    .orderBy('region')
    .execute();
  const uses = (await db
    .selectFrom('image_usage')
    .select(['image_id', 'kind', 'ref_id', 'account_id', 'region', 'state'])
    .where('in_use', '=', 1)
    .where('kind', 'in', [...BREAKING_KINDS])
    .orderBy('account_id')
    .orderBy('region')
    .orderBy('image_id')
    .orderBy('kind')
    .orderBy('ref_id')
    .execute()) as UseRow[];
  // Grouped once: each scope below takes its own uses instead of scanning every use again.
  const usesByScope = groupBy(
    uses.filter((u) => u.image_id),
    (u) => scopeKey(u.account_id, u.region),
  );
  const facts = await loadFacts(db);
  // AWS's verdict is on the scope's own criteria: it says nothing about proposed ones.
  const reported = opts.criteria
    ? new Map<string, ReadonlyMap<string, AwsReport>>()
    : await loadReportedVerdicts(db);
  const source = opts.criteria ? 'proposed' : 'collected';
  const scopes: ScopeSimulation[] = [];
  for (const s of settings) {
    if (!opts.covers(s.account_id, s.region)) continue;
    const criteria = opts.criteria ?? parseStoredCriteria(s.allowed_images_criteria);
    const byImage = new Map<string, BrokenUse[]>();
    for (const u of usesByScope.get(scopeKey(s.account_id, s.region)) ?? []) {
      const list = byImage.get(u.image_id!) ?? [];
      list.push({ kind: u.kind as BreakingKind, refId: u.ref_id, state: u.state });
      byImage.set(u.image_id!, list);
    }
    const blocked: BlockedImage[] = [];
    const said = reported.get(scopeKey(s.account_id, s.region));
    if (criteria)
      for (const [imageId, imageUses] of byImage) {
        const img = facts.get(imageId) ?? unknownImage(imageId);
        const v = imageAllowed(img, criteria, { accountId: s.account_id, now: opts.now });
        const aws = said?.get(imageId) ?? null;
        // Blocked when the evaluator says so or AWS does: an image AWS rejects breaks whatever we think.
        if (v.allowed && aws?.imageAllowed !== false) continue;
        blocked.push({
          imageId,
          name: img.name,
          ownerId: img.ownerId,
          ownerAlias: img.ownerAlias,
          uncertain: v.allowed ? false : v.uncertain || !facts.has(imageId),
          failures: v.allowed ? [] : v.failures,
          uses: imageUses,
          evaluator: v.allowed ? 'allowed' : 'blocked',
          allowedBy: v.allowed ? describeVerdict(v) : null,
          aws,
          disagrees: aws !== null && aws.imageAllowed !== v.allowed,
        });
      }
    scopes.push({
      accountId: s.account_id,
      region: s.region,
      state: s.allowed_images_state,
      criteriaSource: source,
      criteriaCount: criteria ? criteria.length : null,
      imagesInUse: byImage.size,
      blocked,
    });
  }
  return { now: opts.now.toISOString(), criteriaSource: source, scopes, summary: summarize(scopes) };
}

function summarize(scopes: readonly ScopeSimulation[]): SimulationSummary {
  const uses = Object.fromEntries(BREAKING_KINDS.map((k) => [k, 0])) as Record<BreakingKind, number>;
  let imagesBlocked = 0;
  let imagesUncertain = 0;
  let disagreements = 0;
  for (const s of scopes)
    for (const b of s.blocked) {
      imagesBlocked++;
      if (b.uncertain) imagesUncertain++;
      if (b.disagrees) disagreements++;
      for (const u of b.uses) uses[u.kind]++;
    }
  return {
    scopes: scopes.length,
    scopesBreaking: scopes.filter((s) => s.blocked.length > 0).length,
    scopesUnreadable: scopes.filter((s) => s.criteriaCount === null).length,
    imagesBlocked,
    imagesUncertain,
    disagreements,
    uses,
  };
}

/** True when enabling would break something (or could not be judged): the command's exit 4. */
export function wouldBreak(sim: Simulation): boolean {
  return sim.summary.imagesBlocked > 0 || sim.summary.scopesUnreadable > 0;
}
