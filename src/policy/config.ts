import { readFile } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AmwError } from '../errors.ts';
import { parseLocated, showPath } from './located.ts';

export const MODES = ['report', 'notify', 'enforce'] as const;
export type Mode = (typeof MODES)[number];

const VarValue = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

export const GroupSchema = Type.Object(
  {
    mode: Type.Union(MODES.map((m) => Type.Literal(m))),
    accounts: Type.Array(Type.String({ pattern: '^[0-9]{12}$' }), { minItems: 1 }),
    regions: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })),
    variables: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), VarValue)),
  },
  { additionalProperties: false },
);
export type GroupSpec = Static<typeof GroupSchema>;

export interface AccountGroup extends GroupSpec {
  name: string;
}

/** Used when amiwarden.yml defines no groups: every account and region, no variables, actions on. */
export const DEFAULT_GROUP: AccountGroup = { name: 'default', mode: 'enforce', accounts: [] };

export function groupCovers(g: AccountGroup, accountId: string, region: string): boolean {
  if (g.accounts.length > 0 && !g.accounts.includes(accountId)) return false;
  return g.regions === undefined || g.regions.includes(region);
}

/**
 * Reads the `groups` section of amiwarden.yml; other sections belong to other parts of the
 * tool and are left to them. A missing file means one default group.
 */
export async function loadGroups(file: string, mustExist: boolean): Promise<AccountGroup[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!mustExist && (err as NodeJS.ErrnoException).code === 'ENOENT') return [DEFAULT_GROUP];
    throw new AmwError('AMW_CONFIG_INVALID', `cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const doc = parseLocated(file, text, 'AMW_CONFIG_INVALID');
  const root = doc.value;
  if (root === null || root === undefined) return [DEFAULT_GROUP];
  const groups = (root as Record<string, unknown>).groups;
  if (groups === undefined) return [DEFAULT_GROUP];
  if (groups === null || typeof groups !== 'object' || Array.isArray(groups))
    throw new AmwError('AMW_CONFIG_INVALID', 'groups: expected a mapping of group name to group', {
      location: doc.at(['groups']),
    });
  const out: AccountGroup[] = [];
  for (const [name, spec] of Object.entries(groups)) {
    const err = Value.Errors(GroupSchema, spec).First();
    if (err) {
      const sub = err.path.split('/').slice(1);
      const path = ['groups', name, ...sub];
      const msg = err.message === 'Unexpected property' ? 'unknown field' : err.message;
      throw new AmwError('AMW_CONFIG_INVALID', `${showPath(path)}: ${msg}`, {
        location: doc.at(path, err.message === 'Unexpected property'),
      });
    }
    out.push({ name, ...(spec as GroupSpec) });
  }
  return out.length > 0 ? out : [DEFAULT_GROUP];
}
