import type { Command } from 'commander';
import { AmwError } from '../../errors.ts';
import { groupCovers, loadGroups } from '../../policy/config.ts';
import { loadCriteriaFile } from '../../policy/allowed-images/load-criteria.ts';
import { publicImagesReport } from '../../policy/allowed-images/public-images.ts';
import { renderPublic, renderSimulation } from '../../policy/allowed-images/render.ts';
import type { Format } from '../../policy/allowed-images/render.ts';
import { simulateAllowedImages, wouldBreak } from '../../policy/allowed-images/simulate.ts';
import { openStore } from '../../store/db.ts';
import { addFlags, commonFlags, defineFlag, parseNow } from '../flags.ts';
import { EXIT_FINDINGS } from '../main.ts';
import type { CommandModule } from './index.ts';

/** `allowed-images simulate`: enabling the setting would block images in use (or could not be judged). */
export const EXIT_WOULD_BREAK = 4;

const scopeFlags = {
  accountGroup: defineFlag({
    name: 'account-group',
    description: 'only the accounts and regions of this account group (groups in the config file)',
    kind: 'string',
    placeholder: 'name',
  }),
  accounts: defineFlag({
    name: 'accounts',
    description: 'only these account ids',
    kind: 'list',
    placeholder: 'id',
  }),
  regions: defineFlag({
    name: 'regions',
    description: 'only these regions',
    kind: 'list',
    placeholder: 'region',
  }),
} as const;

const simulateFlags = {
  criteria: defineFlag({
    name: 'criteria',
    description: 'proposed ImageCriteria (JSON or YAML) applied to every selected account-region',
    kind: 'string',
    placeholder: 'file',
  }),
  now: defineFlag({
    name: 'now',
    description: 'judge image ages as of this ISO 8601 time (reproducible runs, tests)',
    kind: 'string',
    placeholder: 'time',
  }),
} as const;

interface ScopeOpts {
  db: string;
  config: string;
  format: Format;
  accountGroup?: string;
  accounts?: string[];
  regions?: string[];
}

interface SimulateOpts extends ScopeOpts {
  criteria?: string;
  now?: string;
}

type Covers = (accountId: string, region: string) => boolean;

async function coversOf(opts: ScopeOpts, self: Command): Promise<Covers> {
  for (const a of opts.accounts ?? [])
    if (!/^[0-9]{12}$/.test(a))
      throw new AmwError('AMW_USAGE', `--accounts expects 12-digit ids, got "${a}"`);
  let group: Covers = () => true;
  if (opts.accountGroup !== undefined) {
    const groups = await loadGroups(opts.config, self.getOptionValueSource('config') !== 'default');
    const g = groups.find((x) => x.name === opts.accountGroup);
    if (!g)
      throw new AmwError('AMW_USAGE', `no account group named "${opts.accountGroup}" in ${opts.config}`);
    group = (a, r) => groupCovers(g, a, r);
  }
  const accounts = opts.accounts && new Set(opts.accounts);
  const regions = opts.regions && new Set(opts.regions);
  return (a, r) => group(a, r) && (!accounts || accounts.has(a)) && (!regions || regions.has(r));
}

function scoped(cmd: Command): Command {
  return addFlags(cmd, commonFlags.db, commonFlags.config, commonFlags.format, ...Object.values(scopeFlags));
}

export const command: CommandModule = {
  name: 'allowed-images',
  register(program) {
    const group = program
      .command('allowed-images')
      .description(
        'account-level image guardrails: simulate Allowed AMIs, public images against block public access',
      );

    const simulate = group
      .command('simulate')
      .description(
        `which images in use would be blocked if Allowed AMIs were enabled, and what that breaks (exit ${EXIT_WOULD_BREAK} if anything)`,
      );
    scoped(simulate);
    addFlags(simulate, ...Object.values(simulateFlags));
    simulate.action(async (opts: SimulateOpts, self: Command) => {
      // Everything the user gave is checked before the store is opened.
      const now = parseNow(opts.now) ?? new Date();
      const criteria = opts.criteria === undefined ? undefined : await loadCriteriaFile(opts.criteria);
      const covers = await coversOf(opts, self);
      const store = await openStore(opts.db, { readOnly: true });
      try {
        const sim = await simulateAllowedImages(store.db, { criteria, covers, now });
        console.log(renderSimulation(sim, opts.format));
        if (wouldBreak(sim)) process.exitCode = EXIT_WOULD_BREAK;
      } finally {
        await store.close();
      }
    });

    const pub = group
      .command('public')
      .description(
        `public images per account-region beside the block public access state (exit ${EXIT_FINDINGS} if any image is public)`,
      );
    scoped(pub);
    pub.action(async (opts: ScopeOpts, self: Command) => {
      const covers = await coversOf(opts, self);
      const store = await openStore(opts.db, { readOnly: true });
      try {
        const report = await publicImagesReport(store.db, covers);
        console.log(renderPublic(report, opts.format));
        if (report.summary.publicImages > 0) process.exitCode = EXIT_FINDINGS;
      } finally {
        await store.close();
      }
    });
  },
};
