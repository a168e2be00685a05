import { Type } from '@sinclair/typebox';
import { ImageCriteriaSchema } from '../allowed-images/criteria.ts';
import type { ImageCriteria } from '../allowed-images/criteria.ts';
import { describeFailures, describeVerdict, imageAllowed } from '../allowed-images/evaluate.ts';
import type { ImageFacts } from '../allowed-images/evaluate.ts';
import type { AmiRecord } from '../resource.ts';
import { defineFilter } from './define.ts';
import type { EvalContext } from './define.ts';
import { USAGE_PERMISSIONS, isLiveRef } from './usage.ts';

function factsOf(r: AmiRecord): ImageFacts {
  const codes = Array.isArray(r.ProductCodes) ? (r.ProductCodes as { ProductCodeId?: unknown }[]) : [];
  return {
    imageId: r.ImageId,
    ownerId: r.OwnerId,
    ownerAlias: r.ImageOwnerAlias ?? null,
    name: r.Name ?? null,
    productCodes: codes.map((c) => c.ProductCodeId).filter((c): c is string => typeof c === 'string'),
    creationDate: r.CreationDate ?? null,
    deprecationTime: r.DeprecationTime ?? null,
  };
}

/** Why an account-region would block the image; undefined when it would launch there. */
interface Block {
  readonly why: string;
  /** The image may in fact be allowed: an unknown fact, or criteria that could not be read. */
  readonly uncertain: boolean;
}

function judgeInline(facts: ImageFacts, criteria: ImageCriteria, accountId: string, now: Date) {
  const v = imageAllowed(facts, criteria, { accountId, now });
  return v.allowed ? undefined : { why: describeFailures(v.failures), uncertain: v.uncertain };
}

/**
 * By the account-region's collected criteria, as `allowed-images simulate` judges: an unreadable
 * setting is uncertain, and in audit mode AWS's own ImageAllowed=false blocks whatever we think.
 */
function judgeCollected(facts: ImageFacts, accountId: string, region: string, ctx: EvalContext) {
  // Own images launch whatever the setting says, even where it is unknown or unreadable.
  if (imageAllowed(facts, [], { accountId, now: ctx.now }).allowed) return undefined;
  const scope = ctx.inventory.allowedImages.scope(accountId, region);
  if (!scope) return { why: 'Allowed AMIs setting not collected here', uncertain: true };
  if (!scope.criteria) return { why: 'collected criteria could not be read', uncertain: true };
  const block = judgeInline(facts, scope.criteria, accountId, ctx.now);
  if (block) return block;
  const aws = ctx.inventory.allowedImages.reportedVerdict(accountId, region, facts.imageId);
  if (aws?.imageAllowed !== false) return undefined;
  const v = imageAllowed(facts, scope.criteria, { accountId, now: ctx.now });
  return {
    why: `AWS reports ImageAllowed=false; the evaluator allows it (${describeVerdict(v)})`,
    uncertain: false,
  };
}

export default defineFilter({
  type: 'allowed-images',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('allowed-images'),
      criteria: Type.Optional(ImageCriteriaSchema),
      state: Type.Optional(Type.Union([Type.Literal('blocked'), Type.Literal('allowed')])),
    },
    { additionalProperties: false },
  ),
  permissions: USAGE_PERMISSIONS,
  needs: ['usage'],
  docs: {
    summary:
      'Images in use in some account (instances, template versions, launch configurations, ASGs, SSM ' +
      'parameters) where Allowed AMIs with these `criteria`, once enabled, would block them; matches carry ' +
      '`amw:allowed-images`, the accounts and why. Without `criteria`, each account-region judges by its ' +
      'own collected criteria (an unreadable setting counts as blocking, marked `uncertain`). ' +
      '`state: allowed` matches the rest.',
    example: `policies:
  - name: shared-images-the-new-criteria-would-block
    resource: aws.ami
    filters:
      - type: allowed-images
        criteria:
          - ImageProviders: [amazon]
          - ImageProviders: ["111122223333"]
            CreationDateCondition: { MaximumDaysSinceCreated: 180 }
`,
  },
  compile(opts) {
    const want = opts.state ?? 'blocked';
    const inline = opts.criteria;
    return (img, ctx) => {
      const facts = factsOf(img.resource);
      const blocked = new Map<string, Block>();
      const judged = new Set<string>();
      for (const ref of img.usage) {
        if (!isLiveRef(ref) || ref.kind === 'other-account') continue;
        const key = `${ref.accountId}/${ref.region}`;
        if (judged.has(key)) continue;
        judged.add(key);
        const block = inline
          ? judgeInline(facts, inline, ref.accountId, ctx.now)
          : judgeCollected(facts, ref.accountId, ref.region, ctx);
        if (block) blocked.set(key, block);
      }
      if (blocked.size > 0 && want === 'blocked')
        ctx.annotate(
          img,
          'amw:allowed-images',
          [...blocked].map(([where, b]) => ({
            where,
            why: b.why,
            ...(b.uncertain ? { uncertain: true } : {}),
          })),
        );
      return blocked.size > 0 === (want === 'blocked');
    };
  },
});
