import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

// The criteria in the shape GetAllowedImagesSettings returns them through the SDK (and the
// collector stores them in account_settings.allowed_images_criteria), so a file written by
// `aws ec2 get-allowed-images-settings` can be fed back in unchanged.

const closed = { additionalProperties: false } as const;
const Days = Type.Integer({ minimum: 0, maximum: 2147483647 });

/** Provider values: an owner alias, a 12-digit account id, or `none` (own account only). */
export const PROVIDER_ALIASES = ['amazon', 'aws-marketplace', 'aws-backup-vault'] as const;

export const ImageCriterionSchema = Type.Object(
  {
    ImageProviders: Type.Optional(
      Type.Array(Type.String({ pattern: '^(amazon|aws-marketplace|aws-backup-vault|none|[0-9]{12})$' }), {
        maxItems: 200,
      }),
    ),
    ImageNames: Type.Optional(
      Type.Array(
        Type.String({ minLength: 1, maxLength: 128, pattern: "^[A-Za-z0-9()\\[\\]./\\-'@_*? ]+$" }),
        {
          maxItems: 50,
        },
      ),
    ),
    MarketplaceProductCodes: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 25, pattern: '^[A-Za-z0-9]+$' }), { maxItems: 50 }),
    ),
    CreationDateCondition: Type.Optional(
      Type.Object({ MaximumDaysSinceCreated: Type.Optional(Days) }, closed),
    ),
    DeprecationTimeCondition: Type.Optional(
      Type.Object({ MaximumDaysSinceDeprecated: Type.Optional(Days) }, closed),
    ),
    // Newer conditions: accepted so real settings load, but amiwarden has no data to decide them.
    ImageWatermarks: Type.Optional(
      Type.Array(
        Type.Object(
          {
            WatermarkKey: Type.Optional(Type.String()),
            SourceImageRegion: Type.Optional(Type.String()),
            MaximumDaysSinceSourceImageCreated: Type.Optional(Days),
          },
          closed,
        ),
      ),
    ),
    ScanResultCondition: Type.Optional(
      Type.Object({ MaxDaysSinceLastFindingScan: Type.Optional(Days) }, closed),
    ),
  },
  closed,
);
export type ImageCriterion = Static<typeof ImageCriterionSchema>;

export const ImageCriteriaSchema = Type.Array(ImageCriterionSchema, { maxItems: 10 });
export type ImageCriteria = Static<typeof ImageCriteriaSchema>;

/** A criteria file: the bare list, or the GetAllowedImagesSettings output that carries it. */
export const CriteriaFileSchema = Type.Union([
  ImageCriteriaSchema,
  Type.Object(
    {
      ImageCriteria: ImageCriteriaSchema,
      State: Type.Optional(Type.String()),
      ManagedBy: Type.Optional(Type.String()),
    },
    closed,
  ),
]);
