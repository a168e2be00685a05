import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { AmwError } from '../../errors.ts';
import { openStore } from '../../store/db.ts';
import { runAll } from '../../policy/engine.ts';
import { storeAwsEffects } from '../../policy/aws-effects.ts';
import type { AwsEffects } from '../../policy/aws-effects.ts';
import { StoreAudit, migratePolicyTables, policyDb } from '../../policy/store-audit.ts';
import { loadInventory } from '../../policy/store-inventory.ts';
import { summaryRows, summaryTable, writeOutputs } from '../../policy/output.ts';
import { csvText } from '../../text-table.ts';
import { addFlags, commonFlags, defineFlag, parseNow } from '../flags.ts';
import { EXIT_ERROR, ExitCode } from '../main.ts';
import { loadPolicyTargets, policyFlags } from './validate.ts';
import type { CommandModule } from './index.ts';

export const runFlags = {
  group: defineFlag({
    name: 'group',
    description: 'run only this account group',
    kind: 'string',
    placeholder: 'name',
  }),
  outputDir: defineFlag({
    name: 'output-dir',
    short: 's',
    description: 'write <policy>/resources.json and metadata.json here',
    kind: 'string',
    placeholder: 'dir',
  }),
  now: defineFlag({
    name: 'now',
    description: 'evaluate ages and dates as of this ISO 8601 time (reproducible runs, tests)',
    kind: 'string',
    placeholder: 'time',
  }),
  collect: defineFlag({
    name: 'collect',
    description: 'refresh the inventory (amiwarden collect) first',
    kind: 'boolean',
  }),
} as const;

interface RunOpts {
  policies?: string[];
  db: string;
  endpoint?: string;
  config: string;
  format: 'table' | 'json' | 'csv';
  dryrun?: boolean;
  group?: string;
  outputDir?: string;
  collect?: boolean;
  now?: string;
  quiet?: boolean;
}

export const command: CommandModule = {
  name: 'run',
  register(program) {
    const cmd = program
      .command('run')
      .description('evaluate policies against the asset store and carry out their actions (guarded)');
    addFlags(
      cmd,
      policyFlags.policies,
      commonFlags.db,
      commonFlags.endpoint,
      commonFlags.config,
      commonFlags.format,
      commonFlags.dryrun,
      commonFlags.quiet,
      ...Object.values(runFlags),
    );
    cmd.action(async (opts: RunOpts, self: Command) => {
      // Everything is validated before anything is read or changed.
      const evalTime = parseNow(opts.now) ?? new Date();
      const { policies } = await loadPolicyTargets(opts, self);
      if (opts.collect) {
        const { buildProgram } = await import('../main.ts');
        const sub = ['node', 'amiwarden', 'collect', '--db', opts.db];
        // Pass the file on only when named: collect, like run, tolerates a missing default file.
        if (self.getOptionValueSource('config') !== 'default') sub.push('--config', opts.config);
        if (opts.endpoint) sub.push('--endpoint', opts.endpoint);
        if (opts.quiet) sub.push('--quiet');
        await (await buildProgram()).parseAsync(sub);
      }
      const store = await openStore(opts.db);
      let effects: AwsEffects | undefined;
      try {
        effects = await storeAwsEffects(store.db, opts.endpoint);
        await migratePolicyTables(policyDb(store.db));
        const inventory = await loadInventory(store.db);
        const audit = new StoreAudit(policyDb(store.db));
        const start = new Date();
        const info = { runId: randomUUID(), start, dryrun: opts.dryrun ?? false };
        const runs = await runAll(policies, inventory, {
          runId: info.runId,
          now: evalTime,
          dryrun: info.dryrun,
          audit,
          effects: effects.for,
        });
        if (opts.outputDir) await writeOutputs(opts.outputDir, policies, runs, { ...info, end: new Date() });
        if (opts.format === 'json')
          console.log(
            JSON.stringify(
              { runId: info.runId, dryrun: info.dryrun, policies: summaryRows(runs), runs },
              null,
              2,
            ),
          );
        else if (opts.format === 'csv') {
          const rows = summaryRows(runs);
          const cols = Object.keys(rows[0] ?? { policy: '' }) as (keyof (typeof rows)[number])[];
          console.log(
            csvText(
              cols,
              rows.map((r) => cols.map((c) => String(r[c]))),
            ),
          );
        } else if (!opts.quiet || runs.length > 0) process.stdout.write(summaryTable(runs));
        const tripped = runs.filter((r) => r.tripped);
        const failed = runs.reduce((n, r) => n + r.outcomes.failed, 0);
        if (tripped.length > 0) {
          const t = tripped[0];
          throw new AmwError(
            'AMW_POLICY_CIRCUIT_BREAKER',
            `${t?.policy} (${t?.group}): ${t?.tripped}${tripped.length > 1 ? ` (+${tripped.length - 1} more)` : ''}`,
          );
        }
        if (failed > 0) {
          console.error(`amiwarden: ${failed} action(s) failed; see the audit rows of run ${info.runId}`);
          throw new ExitCode(EXIT_ERROR);
        }
      } finally {
        effects?.close();
        await store.close();
      }
    });
  },
};
