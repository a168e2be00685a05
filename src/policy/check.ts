import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AmwError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import type { LocatedDoc, Path } from './located.ts';
import { showPath } from './located.ts';

/** Throws a located error; policy code funnels every user-facing problem through here. */
export function fail(doc: LocatedDoc, code: ErrorCode, path: Path, message: string, onKey = false): never {
  const where = showPath(path);
  throw new AmwError(code, where ? `${where}: ${message}` : message, { location: doc.at(path, onKey) });
}

function describe(schema: TSchema, fallback: string): string {
  const options = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (options?.every((o) => o.const !== undefined))
    return `must be one of ${options.map((o) => JSON.stringify(o.const)).join(', ')}`;
  return fallback.replace(/^Expected/, 'expected');
}

/** Validates `value` (found at `path`) against a closed TypeBox schema; the first error wins. */
export function checkSchema(doc: LocatedDoc, path: Path, schema: TSchema, value: unknown): void {
  // An unknown field usually explains the rest (a misspelt `dayz` also leaves `days` missing).
  const errors = [...Value.Errors(schema, value)];
  const first = errors.find((e) => e.message === 'Unexpected property') ?? errors[0];
  if (!first) return;
  const sub = first.path
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  const at = [...path, ...sub];
  if (first.message === 'Unexpected property') fail(doc, 'AMW_POLICY_SCHEMA', at, 'unknown field', true);
  if (first.message === 'Expected required property')
    fail(doc, 'AMW_POLICY_SCHEMA', path, `missing required field "${String(sub.at(-1))}"`);
  fail(doc, 'AMW_POLICY_SCHEMA', at, describe(first.schema, first.message));
}
