import type { AccountGroup } from './config.ts';
import type { CompiledPolicy } from './compile.ts';
import { compilePolicy, registries } from './compile.ts';
import { loadPolicies, parsePolicies } from './loader.ts';
import type { SourcePolicy } from './loader.ts';
import type { Inventory } from './inventory.ts';
import type { PolicyRun, RunOptions } from './executor.ts';
import { runPolicy } from './executor.ts';

/** Every policy compiled once per account group, so an error in any group's variables stops the run. */
export async function compileAll(
  sources: readonly SourcePolicy[],
  groups: readonly AccountGroup[],
): Promise<CompiledPolicy[]> {
  const regs = await registries();
  const out: CompiledPolicy[] = [];
  for (const src of sources) for (const g of groups) out.push(compilePolicy(src, g, regs));
  return out;
}

export async function loadAndCompile(
  targets: readonly string[],
  groups: readonly AccountGroup[],
): Promise<CompiledPolicy[]> {
  return compileAll(await loadPolicies(targets), groups);
}

/** For tests and doc examples: one YAML text, compiled for the given groups. */
export async function compileText(
  file: string,
  text: string,
  groups: readonly AccountGroup[],
): Promise<CompiledPolicy[]> {
  return compileAll(parsePolicies(file, text), groups);
}

export async function runAll(
  policies: readonly CompiledPolicy[],
  inventory: Inventory,
  opts: RunOptions,
): Promise<PolicyRun[]> {
  const out: PolicyRun[] = [];
  for (const p of policies) out.push(await runPolicy(p, inventory, opts));
  return out;
}
