import { Value } from '@sinclair/typebox/value';
import { messageOf } from '../errors.ts';
import { loadRegistry } from './registry.ts';
import { FILTERS } from './filters/index.ts';
import { ACTIONS } from './actions/index.ts';
import type { FilterDef, FilterFn } from './filters/define.ts';
import type { ActionContext, ActionDef, ActionResult } from './actions/define.ts';
import type { AccountGroup } from './config.ts';
import type { SourcePolicy } from './loader.ts';
import type { PolicyImage } from './resource.ts';
import type { PolicySpec } from './policy-schema.ts';
import { PolicySchema } from './policy-schema.ts';
import { checkSchema, fail } from './check.ts';
import { substitute } from './variables.ts';
import { FilterCompiler, checkUnsupportedOptions } from './compile-filters.ts';
import { UNSUPPORTED_ACTIONS } from './custodian-keys.ts';

export interface Registries {
  filters: ReadonlyMap<string, FilterDef>;
  actions: ReadonlyMap<string, ActionDef>;
}

let cached: Promise<Registries> | undefined;
export function registries(): Promise<Registries> {
  cached ??= (async () => ({
    filters: await loadRegistry('filter', FILTERS),
    actions: await loadRegistry('action', ACTIONS),
  }))();
  return cached;
}

export interface CompiledAction {
  readonly type: string;
  readonly def: ActionDef;
  run(img: PolicyImage, ctx: ActionContext): Promise<ActionResult>;
}

export interface MaxResources {
  amount?: number;
  percent?: number;
  op: 'or' | 'and';
}

export interface CompiledPolicy {
  readonly name: string;
  readonly group: AccountGroup;
  readonly spec: PolicySpec;
  readonly source: SourcePolicy;
  readonly filter: FilterFn;
  readonly actions: readonly CompiledAction[];
  readonly maxResources: MaxResources | undefined;
  readonly allowInUse: boolean;
}

function maxResourcesOf(spec: PolicySpec): MaxResources | undefined {
  const m = spec['max-resources'];
  const pct = spec['max-resources-percent'];
  if (m === undefined && pct === undefined) return undefined;
  if (typeof m === 'number') return { amount: m, percent: pct, op: 'or' };
  return { amount: m?.amount, percent: m?.percent ?? pct, op: m?.op ?? 'or' };
}

/** Resolves the group's variables, then validates and compiles every filter and action. */
export function compilePolicy(src: SourcePolicy, group: AccountGroup, regs: Registries): CompiledPolicy {
  const { doc, path } = src;
  const raw = substitute(
    doc,
    src.raw,
    path,
    group.variables ?? {},
    group.name === 'default' ? '' : group.name,
  ) as Record<string, unknown>;
  checkSchema(doc, path, PolicySchema, raw);
  const spec = raw as PolicySpec;
  const filter = new FilterCompiler(doc, regs.filters).all(spec.filters ?? [], [...path, 'filters']);
  const actions = (spec.actions ?? []).map((item, i): CompiledAction => {
    const at = [...path, 'actions', i];
    const opts = typeof item === 'string' ? { type: item } : item;
    if (opts === null || typeof opts !== 'object' || Array.isArray(opts))
      fail(doc, 'AMW_POLICY_SCHEMA', at, 'an action is a mapping with a `type` (or just its name)');
    const type = (opts as { type?: unknown }).type;
    if (typeof type !== 'string')
      fail(doc, 'AMW_POLICY_SCHEMA', [...at, 'type'], 'action type must be a string');
    const def = regs.actions.get(type);
    if (!def) {
      if ((UNSUPPORTED_ACTIONS as readonly string[]).includes(type))
        fail(
          doc,
          'AMW_POLICY_UNSUPPORTED_KEY',
          [...at, 'type'],
          `Cloud Custodian action "${type}" is not supported`,
        );
      fail(
        doc,
        'AMW_POLICY_UNKNOWN_ACTION',
        [...at, 'type'],
        `unknown action "${type}" (known: ${[...regs.actions.keys()].sort().join(', ')})`,
      );
    }
    checkUnsupportedOptions(doc, at, def.type, def.schema, opts as Record<string, unknown>);
    checkSchema(doc, at, def.schema, opts);
    try {
      const run = def.compile(Value.Default(def.schema, structuredClone(opts)) as never);
      return { type: def.type, def, run };
    } catch (err) {
      return fail(doc, 'AMW_POLICY_SCHEMA', at, messageOf(err));
    }
  });
  return {
    name: spec.name,
    group,
    spec,
    source: src,
    filter,
    actions,
    maxResources: maxResourcesOf(spec),
    allowInUse: spec['allow-in-use'] ?? false,
  };
}
