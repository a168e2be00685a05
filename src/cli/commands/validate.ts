import type { Command } from 'commander';
import { loadGroups } from '../../policy/config.ts';
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

interface ValidateOpts {
  policies?: string[];
  config: string;
  quiet?: boolean;
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
      const targets = opts.policies ?? [];
      if (targets.length === 0)
        self.error('error: -p/--policies is required', { exitCode: 2, code: 'amw.usage' });
      const groups = await loadGroups(opts.config, self.getOptionValueSource('config') !== 'default');
      const compiled = await loadAndCompile(targets, groups);
      const names = new Set(compiled.map((c) => c.name));
      if (!opts.quiet)
        console.log(
          `ok: ${names.size} ${names.size === 1 ? 'policy' : 'policies'} valid for ${groups.length} account group(s)`,
        );
    });
  },
};
