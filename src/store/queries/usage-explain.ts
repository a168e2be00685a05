import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { ImagesTable } from '../tables/images.ts';
import { groupBy, inChunks, usageReferences, USAGE_KINDS } from './image-usage.ts';
import type { UsageReference } from './image-usage.ts';
import { unknownUsage, usageCoverage } from './usage-coverage.ts';
import type { UnknownUsage } from './usage-coverage.ts';
import { asgsLaunching, asgsOfConfiguration, usageEvidence } from './usage-evidence.ts';
import type { UsageEvidence } from './usage-evidence.ts';
import { whatBreaks } from './usage-breaks.ts';
import type { BreakingReference } from './usage-breaks.ts';

/** "Why is this image in use?": the image, every reference, what is unknown, and a verdict. */
export interface ImageUsageReport {
  image: ImageHeader;
  verdict: UsageVerdict;
  /** In-use references first, then those that are not use (terminated instances, bare grants). */
  references: ExplainedReference[];
  unknown: UnknownUsage[];
  /** Only when asked for: what stops launching if the image is deregistered or disabled now. */
  what_breaks?: BreakingReference[];
}

export interface ImageHeader {
  image_id: string;
  name: string | null;
  owner_id: string | null;
  owner_alias: string | null;
  region: string;
  /** The state as reported (`available`, `disabled`, `deregistered`, `unknown`...). */
  state: string;
  deprecated: boolean;
  deprecation_time: string | null;
  disabled: boolean;
  /** Deregistered (or no longer listed by its owner), whatever still runs it. */
  deregistered: boolean;
  /** Deregistered while an instance still runs it: only instance metadata describes it. */
  deregistered_but_running: boolean;
  creation_date: string | null;
  age_days: number | null;
  /** Owner-only and up to 24 h late; `unknown` when the owner is not collected, null when never launched. */
  last_launched_time: string | null | 'unknown';
  /** Live launch permissions; `unknown` when the owner is not collected. */
  shared_with: { kind: string; value: string }[] | 'unknown';
}

export interface ExplainedReference extends UsageReference {
  /** See `isStale`: an old launch template version or configuration nothing launched from lately. */
  stale: boolean;
  /** Latest launch of a collected instance from this launch template version, if any. */
  last_launch: string | null;
}

export interface UsageVerdict {
  status: 'in-use' | 'not-in-use' | 'unknown';
  /** In-use references and the distinct accounts they live in. */
  references: number;
  accounts: number;
  stale: number;
  text: string;
}

export interface UsageReportOptions {
  asOf: Date;
  staleDays: number;
  whatBreaks?: boolean;
}

export interface UsageReportSet {
  /** The latest collection run's timestamp (null: never collected) and its status. */
  collected_at: string | null;
  run_status: string | null;
  as_of: string;
  stale_days: number;
  images: ImageUsageReport[];
}

const DAY_MS = 86_400_000;
const kindRank = (k: string) => {
  const i = (USAGE_KINDS as readonly string[]).indexOf(k);
  return i < 0 ? USAGE_KINDS.length : i;
};

export function sortReferences<T extends UsageReference>(refs: readonly T[]): T[] {
  return [...refs].sort(
    (a, b) =>
      Number(b.in_use) - Number(a.in_use) ||
      kindRank(a.kind) - kindRank(b.kind) ||
      a.account_id.localeCompare(b.account_id) ||
      a.region.localeCompare(b.region) ||
      a.ref_id.localeCompare(b.ref_id),
  );
}

/**
 * A reference is stale when it keeps the image "in use" only by existing: a launch template
 * version or launch configuration created more than `staleDays` ago that, within those days,
 * launched no collected instance (template versions: instances carrying its template id and
 * version tags) and that no Auto Scaling group with a desired capacity above zero launches through.
 * A reference with no creation time is never called stale; instances, groups and SSM parameters
 * never are (they run, or point at a version or configuration that is judged instead).
 */
export function isStale(
  ref: UsageReference,
  ev: UsageEvidence,
  opts: Pick<UsageReportOptions, 'asOf' | 'staleDays'>,
): boolean {
  if (!ref.in_use || !ref.since) return false;
  const cutoff = opts.asOf.getTime() - opts.staleDays * DAY_MS;
  if (Date.parse(ref.since) > cutoff) return false;
  if (ref.kind === 'launch-template-version') {
    const last = ev.lastLaunchFromVersion.get(ref.ref_id);
    if (last && Date.parse(last) > cutoff) return false;
    return !asgsLaunching(ev, ref).some((g) => g.desired_capacity > 0);
  }
  if (ref.kind === 'launch-configuration')
    return !asgsOfConfiguration(ev, ref).some((g) => g.desired_capacity > 0);
  return false;
}

function header(im: ImagesTable, refs: readonly UsageReference[], asOf: Date): ImageHeader {
  const known = im.owner_facts === 'known';
  const deregistered = im.state === 'deregistered' || im.deleted_at !== null;
  const running = refs.some((r) => r.kind === 'instance' && r.in_use);
  return {
    image_id: im.image_id,
    name: im.name,
    owner_id: im.owner_id,
    owner_alias: im.owner_alias,
    region: im.region,
    state: im.state,
    deprecated: im.deprecation_time !== null && Date.parse(im.deprecation_time) <= asOf.getTime(),
    deprecation_time: im.deprecation_time,
    disabled: im.state === 'disabled',
    deregistered,
    deregistered_but_running: deregistered && running,
    creation_date: im.creation_date,
    age_days: im.creation_date ? Math.floor((asOf.getTime() - Date.parse(im.creation_date)) / DAY_MS) : null,
    last_launched_time: known ? im.last_launched_time : 'unknown',
    shared_with: 'unknown',
  };
}

const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;

function verdict(
  refs: readonly ExplainedReference[],
  unknown: readonly UnknownUsage[],
  collectedAt: string | null,
): UsageVerdict {
  const live = refs.filter((r) => r.in_use);
  const accounts = new Set(live.map((r) => r.account_id)).size;
  const stale = live.filter((r) => r.stale).length;
  const when = collectedAt ? `collected at ${collectedAt}` : 'never collected';
  if (live.length) {
    const staleNote = stale ? `; ${plural(stale, 'stale reference')}` : '';
    // Consumers in other accounts are the ones an owner cannot see from its own console.
    const outside = new Set(live.filter((r) => r.cross_account).map((r) => r.account_id)).size;
    const crossNote = outside ? ` (${outside} other than the owner's)` : '';
    const unknownNote = unknown.length ? `; usage unknown in ${plural(unknown.length, 'place')}` : '';
    return {
      status: 'in-use',
      references: live.length,
      accounts,
      stale,
      text: `in use by ${plural(live.length, 'reference')} in ${plural(accounts, 'account')}${crossNote}${staleNote}${unknownNote}`,
    };
  }
  if (unknown.length)
    return {
      status: 'unknown',
      references: 0,
      accounts: 0,
      stale: 0,
      text: `unknown: no use in the collected accounts (${when}), but usage is unknown in ${plural(unknown.length, 'place')}`,
    };
  return { status: 'not-in-use', references: 0, accounts: 0, stale: 0, text: `not in use (${when})` };
}

/** Builds the report of each image (in the order given) from one batch of queries. */
export async function imageUsageReports(
  db: Kysely<Database>,
  imageIds: readonly string[],
  opts: UsageReportOptions,
): Promise<UsageReportSet> {
  const found = new Map(
    (
      await inChunks(imageIds, (ids) =>
        db.selectFrom('images').selectAll().where('image_id', 'in', ids).execute(),
      )
    ).map((im) => [im.image_id, im]),
  );
  // The caller's order (ids as given, then names), not the database's.
  const images = new Map(
    [...new Set(imageIds)].flatMap((id) => (found.has(id) ? [[id, found.get(id)!]] : [])),
  );
  const allRefs = await usageReferences(db, [...images.keys()], opts.asOf);
  const [ev, cov] = await Promise.all([usageEvidence(db, allRefs), usageCoverage(db, [...images.keys()])]);
  const byImage = groupBy(allRefs, (r) => r.image_id);
  const collectedAt = cov.run?.started_at ?? null;
  const reports = [...images.values()].map((im): ImageUsageReport => {
    const refs = sortReferences(
      (byImage.get(im.image_id) ?? []).map((r) => ({
        ...r,
        stale: isStale(r, ev, opts),
        last_launch:
          r.kind === 'launch-template-version' ? (ev.lastLaunchFromVersion.get(r.ref_id) ?? null) : null,
      })),
    );
    const known = im.owner_facts === 'known';
    const unknown = unknownUsage(
      {
        image_id: im.image_id,
        region: im.region,
        owner_id: im.owner_id,
        owner_alias: im.owner_alias,
        owner_facts_known: known,
      },
      cov,
      new Set(refs.map((r) => r.account_id)),
    );
    const head = header(im, refs, opts.asOf);
    head.shared_with = known ? (cov.grants.get(im.image_id) ?? []) : 'unknown';
    return {
      image: head,
      verdict: verdict(refs, unknown, collectedAt),
      references: refs,
      unknown,
      ...(opts.whatBreaks ? { what_breaks: whatBreaks(refs, ev) } : {}),
    };
  });
  return {
    collected_at: collectedAt,
    run_status: cov.run?.status ?? null,
    as_of: opts.asOf.toISOString(),
    stale_days: opts.staleDays,
    images: reports,
  };
}
