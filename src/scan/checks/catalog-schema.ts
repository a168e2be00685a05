import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

/**
 * Rules and benchmark catalogs are YAML data (src/scan/checks/rules/*.yml, catalogs/*.yml) that a
 * reviewer can audit against the benchmark. Rule ids are stable slugs; CIS numbers live only in catalogs.
 */
export const RuleSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
    title: Type.String({ minLength: 1 }),
    rationale: Type.String({ minLength: 1 }),
    severity: Type.Union([
      Type.Literal('low'),
      Type.Literal('medium'),
      Type.Literal('high'),
      Type.Literal('critical'),
    ]),
    template: Type.String(),
    params: Type.Record(Type.String(), Type.Unknown()),
    /** os-release IDs the rule applies to; absent = every OS. Elsewhere the verdict is not-applicable. */
    platforms: Type.Optional(Type.Array(Type.String())),
    references: Type.Optional(Type.Array(Type.String())),
  },
  { additionalProperties: false },
);
export type Rule = Static<typeof RuleSchema>;

export const LevelSchema = Type.Union([
  Type.Literal('l1_server'),
  Type.Literal('l2_server'),
  Type.Literal('l1_workstation'),
  Type.Literal('l2_workstation'),
  Type.Literal('hygiene'),
]);
export type Level = Static<typeof LevelSchema>;

export const ControlSchema = Type.Object(
  {
    /** The benchmark's number ("5.1.20") or, for the hygiene catalog, a slug. */
    id: Type.String(),
    title: Type.String(),
    /** Section title path, e.g. "5 Access Control > 5.1 SSH Server". */
    section: Type.String(),
    levels: Type.Array(LevelSchema, { minItems: 1 }),
    /** automated: the rules decide it; partial: they decide part of it (see notes); manual: needs the running system or a site decision. */
    status: Type.Union([Type.Literal('automated'), Type.Literal('partial'), Type.Literal('manual')]),
    rules: Type.Array(Type.String()),
    notes: Type.Optional(Type.String()),
    /** Required when status is manual: why it cannot be decided from the image's files. */
    manual_reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type Control = Static<typeof ControlSchema>;

export const CatalogSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }),
    title: Type.String(),
    version: Type.String(),
    /** Which images it applies to: os-release ID and VERSION_ID values. Absent for catalogs that fit every OS. */
    os: Type.Optional(
      Type.Object(
        { id: Type.String(), versions: Type.Array(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    controls: Type.Array(ControlSchema),
  },
  { additionalProperties: false },
);
export type Catalog = Static<typeof CatalogSchema>;
