import type { ImageCriteria, ImageCriterion } from './criteria.ts';
import { globRegExp } from '../../glob-regexp.ts';

/**
 * What Allowed AMIs looks at in an image. `null` means amiwarden does not know the fact (an
 * image seen only through an instance's metadata): a criterion that needs it cannot be shown
 * to match, and the verdict says so instead of guessing.
 */
export interface ImageFacts {
  readonly imageId: string;
  readonly ownerId: string | null;
  /** `amazon`, `aws-marketplace`, `aws-backup-vault` or null. */
  readonly ownerAlias: string | null;
  readonly name: string | null;
  /** Product code ids; null when unknown (empty when the image has none). */
  readonly productCodes: readonly string[] | null;
  /** ISO text. */
  readonly creationDate: string | null;
  /** ISO text; null when the image has no deprecation time. */
  readonly deprecationTime: string | null;
}

export interface EvalScope {
  /** The account whose setting applies: its own images are always allowed. */
  readonly accountId: string;
  readonly now: Date;
}

export type CriterionField =
  | 'ImageProviders'
  | 'ImageNames'
  | 'MarketplaceProductCodes'
  | 'CreationDateCondition'
  | 'DeprecationTimeCondition'
  | 'ImageWatermarks'
  | 'ScanResultCondition';

export interface FieldFailure {
  readonly field: CriterionField;
  readonly reason: string;
  /** The image might match: the fact this field needs is unknown. */
  readonly unknown: boolean;
}

export interface CriterionFailure {
  readonly criterion: number;
  readonly fields: readonly FieldFailure[];
}

export type AllowedVerdict =
  | { readonly allowed: true; readonly by: 'own-account' }
  | { readonly allowed: true; readonly by: 'criterion'; readonly criterion: number }
  | {
      readonly allowed: false;
      /** Why each criterion failed, in order; empty when there are no criteria. */
      readonly failures: readonly CriterionFailure[];
      /** True when some criterion failed only on unknown facts: the image may in fact be allowed. */
      readonly uncertain: boolean;
    };

const DAY_MS = 86_400_000;

/** `*` any run of characters, `?` exactly one; everything else literal, case-sensitive. */
export function nameMatches(pattern: string, name: string): boolean {
  return globRegExp(pattern).test(name);
}

function fail(field: CriterionField, reason: string, unknown = false): FieldFailure {
  return { field, reason, unknown };
}

type Check = (c: ImageCriterion, img: ImageFacts, scope: EvalScope) => FieldFailure | undefined;

/**
 * One rule per criterion field; a criterion matches when every field it sets passes (fields it
 * leaves out do not constrain). Order is the order reasons are reported in.
 */
const FIELD_RULES: readonly { readonly field: CriterionField; readonly check: Check }[] = [
  {
    field: 'ImageProviders',
    check(c, img) {
      const list = c.ImageProviders;
      if (list === undefined || list.length === 0) return undefined;
      // `none` allows the account's own images only, which the own-account rule already covers.
      const hit = list.some(
        (p) => p !== 'none' && ((img.ownerId !== null && p === img.ownerId) || p === img.ownerAlias),
      );
      if (hit) return undefined;
      if (img.ownerId === null)
        return fail('ImageProviders', 'owner unknown', !list.every((p) => p === 'none'));
      const who = img.ownerAlias ? `${img.ownerId} (${img.ownerAlias})` : img.ownerId;
      return fail('ImageProviders', `owner ${who} is not among ${list.join(', ')}`);
    },
  },
  {
    field: 'ImageNames',
    check(c, img) {
      const list = c.ImageNames;
      if (list === undefined || list.length === 0) return undefined;
      if (img.name === null) return fail('ImageNames', 'name unknown', true);
      const name = img.name;
      return list.some((p) => nameMatches(p, name))
        ? undefined
        : fail('ImageNames', `name "${name}" matches none of ${list.join(', ')}`);
    },
  },
  {
    field: 'MarketplaceProductCodes',
    check(c, img) {
      const list = c.MarketplaceProductCodes;
      if (list === undefined || list.length === 0) return undefined;
      if (img.productCodes === null) return fail('MarketplaceProductCodes', 'product codes unknown', true);
      if (img.productCodes.some((p) => list.includes(p))) return undefined;
      return fail(
        'MarketplaceProductCodes',
        img.productCodes.length === 0
          ? 'image has no product code'
          : `product codes ${img.productCodes.join(', ')} not among ${list.join(', ')}`,
      );
    },
  },
  {
    field: 'CreationDateCondition',
    check(c, img, scope) {
      const max = c.CreationDateCondition?.MaximumDaysSinceCreated;
      if (max === undefined) return undefined;
      const created = img.creationDate === null ? NaN : Date.parse(img.creationDate);
      if (Number.isNaN(created)) return fail('CreationDateCondition', 'creation date unknown', true);
      const age = scope.now.getTime() - created;
      return age <= max * DAY_MS
        ? undefined
        : fail('CreationDateCondition', `created ${days(age)} days ago, more than ${max}`);
    },
  },
  {
    field: 'DeprecationTimeCondition',
    check(c, img, scope) {
      const max = c.DeprecationTimeCondition?.MaximumDaysSinceDeprecated;
      if (max === undefined || img.deprecationTime === null) return undefined;
      const at = Date.parse(img.deprecationTime);
      if (Number.isNaN(at)) return fail('DeprecationTimeCondition', 'deprecation time unreadable', true);
      const since = scope.now.getTime() - at;
      if (since < 0) return undefined; // deprecation scheduled, not reached
      // 0 means "no deprecated image", from the deprecation instant on.
      if (max === 0)
        return fail('DeprecationTimeCondition', 'deprecated, and no deprecated image is allowed');
      return since <= max * DAY_MS
        ? undefined
        : fail('DeprecationTimeCondition', `deprecated ${days(since)} days ago, more than ${max}`);
    },
  },
  {
    field: 'ImageWatermarks',
    check: (c) =>
      c.ImageWatermarks && c.ImageWatermarks.length > 0
        ? fail('ImageWatermarks', 'image watermarks are not collected', true)
        : undefined,
  },
  {
    field: 'ScanResultCondition',
    check: (c) =>
      c.ScanResultCondition
        ? fail('ScanResultCondition', 'Inspector scan results are not collected', true)
        : undefined,
  },
];

function days(ms: number): string {
  return (Math.floor((ms / DAY_MS) * 10) / 10).toString();
}

/** The fields of one criterion that the image fails (empty: the criterion matches). */
export function criterionFailures(c: ImageCriterion, img: ImageFacts, scope: EvalScope): FieldFailure[] {
  const out: FieldFailure[] = [];
  for (const rule of FIELD_RULES) {
    const f = rule.check(c, img, scope);
    if (f) out.push(f);
  }
  return out;
}

/**
 * Would the image be allowed if the setting were enabled with these criteria? Own-account
 * images always are; otherwise the image must match every field of at least one criterion.
 * With no criteria only the account's own images are allowed.
 */
export function imageAllowed(img: ImageFacts, criteria: ImageCriteria, scope: EvalScope): AllowedVerdict {
  if (img.ownerId !== null && img.ownerId === scope.accountId) return { allowed: true, by: 'own-account' };
  const failures: CriterionFailure[] = [];
  for (const [i, c] of criteria.entries()) {
    const fields = criterionFailures(c, img, scope);
    if (fields.length === 0) return { allowed: true, by: 'criterion', criterion: i };
    failures.push({ criterion: i, fields });
  }
  const uncertain = failures.some((f) => f.fields.every((x) => x.unknown)) || img.ownerId === null;
  return { allowed: false, failures, uncertain };
}

/** One line per failed criterion, for tables and CSV. */
export function describeVerdict(v: AllowedVerdict): string {
  if (v.allowed) return v.by === 'own-account' ? 'own account' : `criterion ${v.criterion}`;
  return describeFailures(v.failures);
}

/** Why an image fails, criterion by criterion (`#0: ...; ... | #1: ...`). */
export function describeFailures(failures: readonly CriterionFailure[]): string {
  if (failures.length === 0) return 'no criteria: only own images allowed';
  return failures.map((f) => `#${f.criterion}: ${f.fields.map((x) => x.reason).join('; ')}`).join(' | ');
}
