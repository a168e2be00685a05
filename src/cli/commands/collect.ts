import type { Command } from 'commander';
import { AmwError } from '../../errors.ts';
import { CallCounter } from '../../aws/clients.ts';
import { loadCollectConfig } from '../../collect/config.ts';
import { createProgress } from '../../collect/progress.ts';
import { planCollection, runCollection } from '../../collect/runner.ts';
import type { CollectResult } from '../../collect/runner.ts';
import { openStore } from '../../store/db.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

export const collectFlags = {
  accounts: defineFlag({
    name: 'accounts',
    description: 'account ids to collect (default: the caller, or --organizations)',
    kind: 'list',
    placeholder: 'id',
  }),
  regions: defineFlag({
    name: 'regions',
    description: 'regions to collect (default: every enabled region)',
    kind: 'list',
    placeholder: 'region',
  }),
  organizations: defineFlag({
    name: 'organizations',
    description: 'collect every active account of the organization',
    kind: 'boolean',
  }),
  roleName: defineFlag({
    name: 'role-name',
    description: 'role assumed in member accounts',
    kind: 'string',
    placeholder: 'name',
  }),
  homeRegion: defineFlag({
    name: 'home-region',
    description: 'region for STS, Organizations and DescribeRegions',
    kind: 'string',
    placeholder: 'region',
  }),
  concurrency: defineFlag({
    name: 'concurrency',
    description: 'account/region scopes collected at once',
    kind: 'number',
    placeholder: 'n',
  }),
} as const;

interface CollectOpts {
  db: string;
  endpoint?: string;
  config: string;
  accounts?: string[];
  regions?: string[];
  organizations?: boolean;
  roleName?: string;
  homeRegion?: string;
  concurrency?: number;
  quiet?: boolean;
}

export function summaryLine(r: CollectResult): string {
  const failed = r.scopes.filter((s) => !s.ok).length;
  return `run ${r.runId}: ${r.status}, ${r.scopes.length - failed}/${r.scopes.length} scopes, ${r.images} images, ${r.apiCalls} API calls (${r.attempts} attempts)`;
}

export const command: CommandModule = {
  name: 'collect',
  register(program) {
    const cmd = program
      .command('collect')
      .description('collect the AMI inventory of accounts x regions into the asset store');
    addFlags(
      cmd,
      commonFlags.db,
      commonFlags.endpoint,
      commonFlags.config,
      commonFlags.quiet,
      ...Object.values(collectFlags),
    );
    cmd.action(async (opts: CollectOpts, self: Command) => {
      const cfg = loadCollectConfig(opts.config, self.getOptionValueSource('config') !== 'default');
      const counter = new CallCounter();
      const plan = await planCollection({
        access: { ...(opts.endpoint ? { endpoint: opts.endpoint } : {}), counter },
        homeRegion: opts.homeRegion ?? cfg.home_region ?? process.env.AWS_REGION ?? 'us-east-1',
        accounts: opts.accounts ?? cfg.accounts ?? [],
        organizations: opts.organizations ?? cfg.organizations ?? false,
        roleName: opts.roleName ?? cfg.role_name ?? 'OrganizationAccountAccessRole',
        regions: opts.regions ?? cfg.regions ?? [],
      });
      const store = await openStore(opts.db);
      try {
        const result = await runCollection(store, plan, {
          concurrency: opts.concurrency ?? cfg.concurrency ?? 4,
          progress: createProgress(process.stderr, opts.quiet),
        });
        console.log(summaryLine(result));
        const failed = result.scopes.filter((s) => !s.ok);
        if (failed.length > 0) {
          for (const f of failed) console.error(`  failed ${f.accountId}/${f.region}: ${f.error}`);
          throw new AmwError(
            'AMW_COLLECT_PARTIAL',
            `${failed.length} of ${result.scopes.length} account/region scopes failed; their earlier rows were kept`,
          );
        }
      } finally {
        await store.close();
      }
    });
  },
};
