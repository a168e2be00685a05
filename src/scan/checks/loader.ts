import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import { AmwError } from '../../errors.ts';
import { CatalogSchema, RuleSchema } from './catalog-schema.ts';
import type { Catalog, Rule } from './catalog-schema.ts';
import { templateRegistry } from './registry.ts';
import type { AnyTemplate } from './registry.ts';

export const RULES_DIR = fileURLToPath(new URL('./rules/', import.meta.url));
export const CATALOGS_DIR = fileURLToPath(new URL('./catalogs/', import.meta.url));

/** A rule whose params were validated against its template and filled with the template's defaults. */
export interface LoadedRule extends Rule {
  readonly file: string;
  readonly line: number;
  readonly resolvedParams: unknown;
}

export interface CheckSet {
  readonly rules: ReadonlyMap<string, LoadedRule>;
  readonly catalogs: ReadonlyMap<string, Catalog & { readonly file: string }>;
  readonly templates: ReadonlyMap<string, AnyTemplate>;
}

function invalid(file: string, line: number | undefined, message: string): AmwError {
  return new AmwError('AMW_SCAN_CHECKS_INVALID', message, { location: { file, ...(line ? { line } : {}) } });
}

function firstError(schema: TSchema, value: unknown): string | undefined {
  const e = Value.Errors(schema, value).First();
  return e ? `${e.path || '/'}: ${e.message}` : undefined;
}

function parseYaml(file: string): {
  value: unknown;
  lineOf: (node: YamlNode | null | undefined) => number | undefined;
  doc: ReturnType<typeof parseDocument>;
} {
  const lc = new LineCounter();
  const doc = parseDocument(readFileSync(file, 'utf8'), { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw invalid(file, e.linePos?.[0]?.line, `not valid YAML: ${e.message.split('\n')[0]}`);
  }
  const lineOf = (node: YamlNode | null | undefined): number | undefined =>
    node?.range ? lc.linePos(node.range[0]).line : undefined;
  return { value: doc.toJS(), lineOf, doc };
}

/** Validates one rule against the schema and its template's params schema; returns the defaulted params. */
export function resolveRuleParams(
  rule: Rule,
  templates: ReadonlyMap<string, AnyTemplate>,
): { params?: unknown; error?: string } {
  const t = templates.get(rule.template);
  if (!t) return { error: `rule ${rule.id}: unknown template "${rule.template}"` };
  const params = Value.Default(t.params, Value.Clone(rule.params));
  const err = firstError(t.params, params);
  if (err) return { error: `rule ${rule.id}: params for template ${t.id}: ${err}` };
  return { params };
}

/** Rule files: a YAML list of rules, or a map with a `rules:` list. */
export function loadRuleFile(
  file: string,
  templates: ReadonlyMap<string, AnyTemplate>,
  onProblem?: (err: AmwError) => void,
): LoadedRule[] {
  const { value, lineOf, doc } = parseYaml(file);
  const list = Array.isArray(value) ? value : (value as { rules?: unknown } | null)?.rules;
  const seq = isSeq(doc.contents)
    ? doc.contents
    : isMap(doc.contents)
      ? doc.contents.get('rules', true)
      : undefined;
  if (!Array.isArray(list))
    throw invalid(file, 1, 'a rule file is a YAML list of rules (or a map with a rules: list)');
  const out: LoadedRule[] = [];
  list.forEach((raw, i) => {
    const line = lineOf(isSeq(seq) ? (seq.items[i] as YamlNode) : undefined) ?? 1;
    const err = firstError(RuleSchema, raw);
    const id = (raw as { id?: unknown } | null)?.id;
    const problem = err
      ? invalid(file, line, `rule #${i + 1}${typeof id === 'string' ? ` (${id})` : ''}: ${err}`)
      : undefined;
    const r = problem ? undefined : resolveRuleParams(raw as Rule, templates);
    const bad = problem ?? (r?.error ? invalid(file, line, r.error) : undefined);
    if (bad) {
      if (!onProblem) throw bad;
      onProblem(bad);
      return;
    }
    out.push({ ...(raw as Rule), file, line, resolvedParams: r!.params });
  });
  return out;
}

export function loadCatalogFile(file: string): Catalog & { file: string } {
  const { value, lineOf, doc } = parseYaml(file);
  const err = firstError(CatalogSchema, value);
  if (err) throw invalid(file, undefined, `catalog: ${err}`);
  const catalog = value as Catalog;
  const controls = isMap(doc.contents) ? doc.contents.get('controls', true) : undefined;
  const seen = new Set<string>();
  catalog.controls.forEach((c, i) => {
    const line = lineOf(isSeq(controls) ? (controls.items[i] as YamlNode) : undefined);
    if (seen.has(c.id)) throw invalid(file, line, `duplicate control id ${c.id}`);
    seen.add(c.id);
    if (c.status === 'manual' && !c.manual_reason)
      throw invalid(file, line, `control ${c.id} is manual but gives no manual_reason`);
    if (c.status !== 'manual' && c.rules.length === 0)
      throw invalid(file, line, `control ${c.id} is ${c.status} but names no rules`);
  });
  return { ...catalog, file };
}

const yamlFiles = (dir: string): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort()
    .map((f) => join(dir, f));

/**
 * Loads and cross-checks every rule and catalog: rule ids unique, params valid for their
 * template, every control names existing rules. Rules and catalogs are data files, so they are
 * read from their directories; templates (code) come only from the sorted index.
 */
export function loadCheckSet(
  options: {
    rules?: string;
    catalogs?: string;
    templates?: ReadonlyMap<string, AnyTemplate>;
    /** When given, a bad rule or catalog is reported here and left out instead of failing the whole load. */
    onProblem?: (err: AmwError) => void;
  } = {},
): CheckSet {
  const templates = options.templates ?? templateRegistry();
  const { onProblem } = options;
  const report = (err: AmwError): void => {
    if (!onProblem) throw err;
    onProblem(err);
  };
  const rules = new Map<string, LoadedRule>();
  for (const file of yamlFiles(options.rules ?? RULES_DIR)) {
    let loaded: LoadedRule[];
    try {
      loaded = loadRuleFile(file, templates, onProblem);
    } catch (err) {
      report(err as AmwError);
      continue;
    }
    for (const r of loaded) {
      const prev = rules.get(r.id);
      if (prev)
        report(invalid(file, r.line, `duplicate rule id ${r.id} (first in ${prev.file}:${prev.line})`));
      else rules.set(r.id, r);
    }
  }
  const catalogs = new Map<string, Catalog & { file: string }>();
  for (const file of yamlFiles(options.catalogs ?? CATALOGS_DIR)) {
    let c: Catalog & { file: string };
    try {
      c = loadCatalogFile(file);
    } catch (err) {
      report(err as AmwError);
      continue;
    }
    if (catalogs.has(c.id)) {
      report(invalid(file, undefined, `duplicate catalog id ${c.id}`));
      continue;
    }
    const missing = c.controls.flatMap((ctl) =>
      ctl.rules.filter((rid) => !rules.has(rid)).map((rid) => `${ctl.id} -> ${rid}`),
    );
    if (missing.length > 0) {
      report(invalid(file, undefined, `controls name unknown rules: ${missing.join(', ')}`));
      continue;
    }
    catalogs.set(c.id, c);
  }
  return { rules, catalogs, templates };
}
