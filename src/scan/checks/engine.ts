import { AmwError, messageOf } from '../../errors.ts';
import type { OsInfo } from '../os/types.ts';
import type { PackageInventory } from '../packages/types.ts';
import { restrictVfs } from '../vfs/restricted-vfs.ts';
import type { Vfs } from '../vfs/vfs.ts';
import type { Catalog, Control, Rule } from './catalog-schema.ts';
import type { CheckSet, LoadedRule } from './loader.ts';
import type { AnyTemplate } from './registry.ts';
import type { CheckContext } from './template.ts';
import { errored, manual, notApplicable } from './verdict.ts';
import type { CoverageGap, Finding, Verdict } from './verdict.ts';

export interface RuleResult {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: Rule['severity'];
  readonly template: string;
  readonly verdict: Verdict;
}

export interface ControlResult {
  readonly catalogId: string;
  readonly control: Control;
  readonly verdict: Verdict;
  readonly rules: readonly RuleResult[];
  /** The highest severity among the control's failing rules (or its rules when none failed). */
  readonly severity: Rule['severity'];
}

/** What the engine shares with every check of one scan. */
export interface ScanTarget {
  readonly vfs: Vfs;
  readonly os: OsInfo;
  readonly packages: PackageInventory;
}

const SEVERITY_ORDER: readonly Rule['severity'][] = ['low', 'medium', 'high', 'critical'];
export const severityRank = (s: Rule['severity']): number => SEVERITY_ORDER.indexOf(s);

/** One memo per scan: parsed files (passwd, sshd effective config...) are computed once across checks. */
export function createMemo(): CheckContext['memo'] {
  const cache = new Map<string, Promise<unknown>>();
  return <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let p = cache.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      cache.set(key, p);
    }
    return p;
  };
}

/**
 * Runs one rule: not applicable off its platforms; otherwise the template evaluates against a Vfs
 * restricted to what it declared. Anything thrown (an undeclared read included) becomes an error verdict.
 */
export async function runRule(
  rule: Rule & { resolvedParams?: unknown },
  template: AnyTemplate,
  target: ScanTarget,
  memo: CheckContext['memo'],
  coverage: (gap: CoverageGap) => void = () => undefined,
): Promise<Verdict> {
  if (rule.platforms && !rule.platforms.includes(target.os.id))
    return notApplicable(`applies to ${rule.platforms.join(', ')}, not ${target.os.id}`);
  try {
    const params = rule.resolvedParams ?? rule.params;
    const decl = template.reads(params);
    const ctx: CheckContext = {
      vfs: restrictVfs(target.vfs, decl, `rule ${rule.id}`),
      os: target.os,
      packages: target.packages,
      memo,
      coverage: (gap) => coverage({ part: `${rule.id}: ${gap.part}`, reason: gap.reason }),
    };
    return await template.evaluate(params, ctx);
  } catch (err) {
    const code = err instanceof AmwError ? ` [${err.code}]` : '';
    return errored(`${messageOf(err)}${code}`);
  }
}

/** A control's verdict from its rules: error > fail > manual > pass; all not-applicable is not-applicable. */
export function combineVerdicts(control: Control, rules: readonly RuleResult[]): Verdict {
  if (control.status === 'manual' && rules.length === 0)
    return manual(control.manual_reason ?? 'needs the running system');
  const errors = rules.filter((r) => r.verdict.status === 'error');
  if (errors.length > 0)
    return errored(errors.map((r) => `${r.ruleId}: ${(r.verdict as { cause: string }).cause}`).join('; '));
  const findings: Finding[] = rules.flatMap((r) => (r.verdict.status === 'fail' ? r.verdict.findings : []));
  if (rules.some((r) => r.verdict.status === 'fail')) return { status: 'fail', findings };
  const manuals = rules.filter((r) => r.verdict.status === 'manual');
  if (manuals.length > 0 || control.status === 'manual')
    return manual(
      [control.manual_reason, ...manuals.map((r) => (r.verdict as { reason: string }).reason)]
        .filter(Boolean)
        .join('; '),
    );
  if (rules.length > 0 && rules.every((r) => r.verdict.status === 'not-applicable'))
    return notApplicable(rules.map((r) => (r.verdict as { reason: string }).reason).join('; '));
  const evidence = rules.flatMap((r) => (r.verdict.status === 'pass' ? (r.verdict.evidence ?? []) : []));
  return evidence.length ? { status: 'pass', evidence } : { status: 'pass' };
}

/** Every glob the selected controls' rules will read, de-duplicated: what a source may prefetch. */
export function plannedReads(
  set: CheckSet,
  selected: ReadonlyArray<{ catalog: Catalog; controls: readonly Control[] }>,
): string[] {
  const globs = new Set<string>();
  for (const { controls } of selected)
    for (const c of controls)
      for (const id of c.rules) {
        const rule = set.rules.get(id);
        const template = rule && set.templates.get(rule.template);
        if (!rule || !template) continue;
        try {
          for (const g of template.reads(rule.resolvedParams ?? rule.params).globs) globs.add(g);
        } catch {
          // the rule itself will report the problem as an error verdict when it runs
        }
      }
  return [...globs].sort();
}

/** Runs the selected controls; each rule runs once even when several controls name it. */
export async function runControls(
  set: CheckSet,
  selected: ReadonlyArray<{ catalog: Catalog; controls: readonly Control[] }>,
  target: ScanTarget,
): Promise<{ results: ControlResult[]; gaps: CoverageGap[] }> {
  const memo = createMemo();
  const gaps: CoverageGap[] = [];
  const ruleCache = new Map<string, Promise<RuleResult>>();
  const runOnce = (rule: LoadedRule): Promise<RuleResult> => {
    let p = ruleCache.get(rule.id);
    if (!p) {
      const template = set.templates.get(rule.template)!;
      p = runRule(rule, template, target, memo, (g) => gaps.push(g)).then((verdict) => ({
        ruleId: rule.id,
        title: rule.title,
        severity: rule.severity,
        template: rule.template,
        verdict,
      }));
      ruleCache.set(rule.id, p);
    }
    return p;
  };
  const results: ControlResult[] = [];
  for (const { catalog, controls } of selected)
    for (const control of controls) {
      const rules: RuleResult[] = [];
      // Sequential on purpose: checks share the memo and the source's cache, and order stays deterministic.
      for (const id of control.rules) rules.push(await runOnce(set.rules.get(id)!));
      const failing = rules.filter((r) => r.verdict.status === 'fail');
      const pool = failing.length ? failing : rules;
      const severity = pool.reduce<Rule['severity']>(
        (acc, r) => (severityRank(r.severity) > severityRank(acc) ? r.severity : acc),
        'low',
      );
      results.push({
        catalogId: catalog.id,
        control,
        verdict: combineVerdicts(control, rules),
        rules,
        severity,
      });
    }
  for (const r of results)
    if (r.verdict.status === 'error')
      gaps.push({ part: `${r.catalogId} ${r.control.id}`, reason: `check failed: ${r.verdict.cause}` });
  return { results, gaps };
}
