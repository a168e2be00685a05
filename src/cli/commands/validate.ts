import type { Command } from 'commander';
import { AmwError } from '../../errors.ts';
import { loadGroups } from '../../policy/config.ts';
import type { AccountGroup } from '../../policy/config.ts';
import type { CompiledPolicy } from '../../policy/compile.ts';
import { loadAndCompile } from '../../policy/engine.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

export const policyFlags = {
  policies: defineFlag({
    name: 'policies',
    short: 'p',
    description: 'policy files or directories (every *.yml / *.yaml inside)',
    kind: 'list',
    placeholder: 'file|dir',
  }),
} as const;

interface PolicyOpts {
  policies?: string[];
  config: string;
  /** Only this account group (run --group). */
  group?: string;
}

interface ValidateOpts extends PolicyOpts {
  quiet?: boolean;
}

/**
 * -p and --config as run and validate read them: every policy compiled for every account group,
 * so a mistake in any group's variables stops the command before anything runs.
 */
export async function loadPolicyTargets(
  opts: PolicyOpts,
  self: Command,
): Promise<{ groups: AccountGroup[]; policies: CompiledPolicy[] }> {
  const targets = opts.policies ?? [];
  if (targets.length === 0)
    self.error('error: -p/--policies is required', { exitCode: 2, code: 'amw.usage' });
  let groups = await loadGroups(opts.config, self.getOptionValueSource('config') !== 'default');
  if (opts.group) {
    groups = groups.filter((g) => g.name === opts.group);
    if (groups.length === 0)
      throw new AmwError('AMW_USAGE', `no account group named "${opts.group}" in ${opts.config}`);
  }
  return { groups, policies: await loadAndCompile(targets, groups) };
}

export const command: CommandModule = {
  name: 'validate',
  register(program) {
    const cmd = program
      .command('validate')
      .description(
        'check policy files (YAML, schema, filters, actions, variables of every account group) without running them',
      );
    addFlags(cmd, policyFlags.policies, commonFlags.config, commonFlags.quiet);
    cmd.action(async (opts: ValidateOpts, self: Command) => {
      const { groups, policies: compiled } = await loadPolicyTargets(opts, self);
      const names = new Set(compiled.map((c) => c.name));
      if (!opts.quiet)
        console.log(
          `ok: ${names.size} ${names.size === 1 ? 'policy' : 'policies'} valid for ${groups.length} account group(s)`,
        );
    });
  },
};
