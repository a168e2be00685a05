import { readFileSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { AmwError, messageOf } from '../errors.ts';

/** The `collect:` section of amiwarden.yml; other sections belong to other commands. */
export const CollectConfigSchema = Type.Object(
  {
    accounts: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{12}$' }))),
    organizations: Type.Optional(Type.Boolean()),
    role_name: Type.Optional(Type.String({ minLength: 1 })),
    regions: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$' }))),
    home_region: Type.Optional(Type.String()),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 64 })),
  },
  { additionalProperties: false },
);
export type CollectConfig = Static<typeof CollectConfigSchema>;

/** Reads the collect section; a missing default file is fine, a missing named file is not. */
export function loadCollectConfig(path: string, mustExist: boolean): CollectConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (!mustExist && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new AmwError('AMW_CONFIG_INVALID', `cannot read ${path}: ${messageOf(err)}`, { cause: err });
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new AmwError('AMW_CONFIG_INVALID', `${path} is not valid YAML: ${messageOf(err)}`, { cause: err });
  }
  const section = (doc as { collect?: unknown } | null)?.collect ?? {};
  const errors = [...Value.Errors(CollectConfigSchema, section)];
  if (errors.length > 0) {
    const e = errors[0];
    throw new AmwError(
      'AMW_CONFIG_INVALID',
      `${path}: collect${e?.path.replace(/\//g, '.') ?? ''}: ${e?.message ?? 'invalid'}`,
      {
        location: { file: path },
      },
    );
  }
  return section as CollectConfig;
}
