import { Type } from '@sinclair/typebox';
import { ImageCriteriaSchema } from '../allowed-images/criteria.ts';
import { describeFailures, imageAllowed } from '../allowed-images/evaluate.ts';
import type { ImageFacts } from '../allowed-images/evaluate.ts';
import type { AmiRecord } from '../resource.ts';
import { defineFilter } from './define.ts';
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

export default defineFilter({
  type: 'allowed-images',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('allowed-images'),
      criteria: ImageCriteriaSchema,
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
      '`amw:allowed-images`, the accounts and why. `state: allowed` matches the rest.',
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
    return (img, ctx) => {
      const facts = factsOf(img.resource);
      const blocked = new Map<string, string>();
      for (const ref of img.usage) {
        if (!isLiveRef(ref) || ref.kind === 'other-account') continue;
        const key = `${ref.accountId}/${ref.region}`;
        if (blocked.has(key)) continue;
        const v = imageAllowed(facts, opts.criteria, { accountId: ref.accountId, now: ctx.now });
        if (!v.allowed) blocked.set(key, describeFailures(v.failures));
      }
      if (blocked.size > 0 && want === 'blocked')
        ctx.annotate(
          img,
          'amw:allowed-images',
          [...blocked].map(([where, why]) => ({ where, why })),
        );
      return blocked.size > 0 === (want === 'blocked');
    };
  },
});
