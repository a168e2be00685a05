import type { TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { LocatedDoc, Path } from './located.ts';
import { checkSchema, fail } from './check.ts';
import type { FilterDef, FilterFn } from './filters/define.ts';
import { UNSUPPORTED_FILTERS, UNSUPPORTED_OPTIONS, UNSUPPORTED_VALUE_TYPES } from './custodian-keys.ts';
import { messageOf } from '../errors.ts';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/** Refuses Custodian options the plugin's schema lacks, naming them, before generic schema errors. */
export function checkUnsupportedOptions(
  doc: LocatedDoc,
  path: Path,
  type: string,
  schema: TObject,
  opts: Record<string, unknown>,
): void {
  const known = UNSUPPORTED_OPTIONS[type] ?? [];
  for (const k of Object.keys(opts)) {
    if (k in schema.properties) continue;
    if (known.includes(k))
      fail(
        doc,
        'AMW_POLICY_UNSUPPORTED_KEY',
        [...path, k],
        `Cloud Custodian option "${k}" of ${type} is not supported`,
        true,
      );
  }
  const vt = opts.value_type;
  if (typeof vt === 'string' && (UNSUPPORTED_VALUE_TYPES as readonly string[]).includes(vt))
    fail(
      doc,
      'AMW_POLICY_UNSUPPORTED_KEY',
      [...path, 'value_type'],
      `Cloud Custodian value_type "${vt}" is not supported`,
    );
}

export class FilterCompiler {
  constructor(
    private readonly doc: LocatedDoc,
    private readonly registry: ReadonlyMap<string, FilterDef>,
  ) {}

  /** A list of filters is their conjunction, as in Custodian. */
  all(items: unknown, path: Path): FilterFn {
    if (!Array.isArray(items)) fail(this.doc, 'AMW_POLICY_SCHEMA', path, 'expected a list of filters');
    const fns = items.map((item, i) => this.one(item, [...path, i]));
    if (fns.length === 1 && fns[0]) return fns[0];
    return (img, ctx) => fns.every((f) => f(img, ctx));
  }

  one(item: unknown, path: Path): FilterFn {
    if (!isRecord(item)) fail(this.doc, 'AMW_POLICY_SCHEMA', path, 'a filter must be a mapping');
    const keys = Object.keys(item);
    if (!('type' in item)) {
      const k = keys[0];
      if (keys.length !== 1 || k === undefined)
        fail(
          this.doc,
          'AMW_POLICY_SCHEMA',
          path,
          'a filter needs a `type` (or is one `key: value` pair, or and/or/not)',
        );
      const v = item[k];
      if (k === 'and' || k === 'or' || k === 'not') {
        const fns = (
          Array.isArray(v)
            ? v
            : fail(this.doc, 'AMW_POLICY_SCHEMA', [...path, k], `expected a list of filters`)
        ).map((sub, i) => this.one(sub, [...path, k, i]));
        if (k === 'or') return (img, ctx) => fns.some((f) => f(img, ctx));
        if (k === 'and') return (img, ctx) => fns.every((f) => f(img, ctx));
        return (img, ctx) => !fns.every((f) => f(img, ctx));
      }
      // `"tag:env": prod` is Custodian's shorthand for a value filter.
      return this.typed({ type: 'value', key: k, value: v }, path, [...path, k]);
    }
    return this.typed(item, path, path);
  }

  private typed(opts: Record<string, unknown>, path: Path, reportAt: Path): FilterFn {
    const type = opts.type;
    if (typeof type !== 'string')
      fail(this.doc, 'AMW_POLICY_SCHEMA', [...path, 'type'], 'filter type must be a string');
    const def = this.registry.get(type);
    if (!def) {
      if ((UNSUPPORTED_FILTERS as readonly string[]).includes(type))
        fail(
          this.doc,
          'AMW_POLICY_UNSUPPORTED_KEY',
          [...path, 'type'],
          `Cloud Custodian filter "${type}" is not supported`,
        );
      fail(
        this.doc,
        'AMW_POLICY_UNKNOWN_FILTER',
        [...path, 'type'],
        `unknown filter "${type}" (known: ${[...this.registry.keys()].sort().join(', ')}, and, or, not)`,
      );
    }
    checkUnsupportedOptions(this.doc, path, def.type, def.schema, opts);
    checkSchema(this.doc, reportAt === path ? path : reportAt, def.schema, opts);
    try {
      return def.compile(Value.Default(def.schema, structuredClone(opts)) as never);
    } catch (err) {
      return fail(this.doc, 'AMW_POLICY_SCHEMA', reportAt, messageOf(err));
    }
  }
}
