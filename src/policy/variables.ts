import type { LocatedDoc, Path } from './located.ts';
import { fail } from './check.ts';

export type VarValue = string | number | boolean;

/**
 * Names Custodian fills in at run time (`{account_id}` in a tag value, `{op}@{action_date}` in a
 * mark-for-op message): they are left in place, never reported as undefined.
 */
export const RUNTIME_NAMES = new Set([
  'account_id',
  'account',
  'region',
  'partition',
  'now',
  'op',
  'action_date',
]);

const REF = /\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const WHOLE = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Replaces `{name}` with the group's variable everywhere a value goes. A value that is exactly
 * one reference takes the variable's type (`days: "{environment_ageout}"` becomes a number).
 */
export function substitute(
  doc: LocatedDoc,
  value: unknown,
  path: Path,
  vars: Readonly<Record<string, VarValue>>,
  group: string,
): unknown {
  if (typeof value === 'string') {
    const whole = WHOLE.exec(value);
    if (whole?.[1] !== undefined && !RUNTIME_NAMES.has(whole[1])) {
      const v = vars[whole[1]];
      if (v === undefined) undefinedVar(doc, path, whole[1], group);
      return v;
    }
    if (!value.includes('{')) return value;
    return value.replace(REF, (m, name: string | undefined) => {
      if (name === undefined || RUNTIME_NAMES.has(name)) return m;
      const v = vars[name];
      if (v === undefined) undefinedVar(doc, path, name, group);
      return String(v);
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => substitute(doc, v, [...path, i], vars, group));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = substitute(doc, v, [...path, k], vars, group);
    return out;
  }
  return value;
}

function undefinedVar(doc: LocatedDoc, path: Path, name: string, group: string): never {
  const scope = group ? `account group "${group}"` : 'the configuration (no account group defines variables)';
  fail(doc, 'AMW_POLICY_UNDEFINED_VARIABLE', path, `variable {${name}} is not defined by ${scope}`);
}
