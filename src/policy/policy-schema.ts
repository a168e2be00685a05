import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

export const MaxResources = Type.Union([
  Type.Integer({ minimum: 0 }),
  Type.Object(
    {
      amount: Type.Optional(Type.Integer({ minimum: 0 })),
      percent: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      op: Type.Optional(Type.Union([Type.Literal('or'), Type.Literal('and')])),
    },
    { additionalProperties: false },
  ),
]);

/** One policy; filters and actions are checked by their own plugins' schemas. */
export const PolicySchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]*$' }),
    resource: Type.Union([Type.Literal('aws.ami'), Type.Literal('ami')]),
    description: Type.Optional(Type.String()),
    comment: Type.Optional(Type.String()),
    comments: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    metadata: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    mode: Type.Optional(Type.Object({ type: Type.Literal('pull') }, { additionalProperties: false })),
    filters: Type.Optional(Type.Array(Type.Unknown())),
    actions: Type.Optional(Type.Array(Type.Unknown())),
    'max-resources': Type.Optional(MaxResources),
    'max-resources-percent': Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
    'allow-in-use': Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type PolicySpec = Static<typeof PolicySchema>;

export const FileSchema = Type.Object(
  {
    policies: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    // Custodian keeps YAML anchors under `vars`; the anchors are resolved by the parser.
    vars: Type.Optional(Type.Unknown()),
  },
  { additionalProperties: false },
);
