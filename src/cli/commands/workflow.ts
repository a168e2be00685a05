import { systemClock } from '../../workflow/clock.ts';
import { offsetClock, runTick } from '../../workflow/run-tick.ts';
import { addFlags, commonFlags, defineFlag, parseNow } from '../flags.ts';
import { EXIT_FINDINGS } from '../main.ts';
import { policyFlags } from './validate.ts';
import type { CommandModule } from './index.ts';

export const workflowFlags = {
  now: defineFlag({
    name: 'now',
    description: 'act as of this ISO 8601 time (replays, tests); retries still wait in real time',
    kind: 'string',
    placeholder: 'time',
  }),
} as const;

interface TickOpts {
  policies?: string[];
  db: string;
  config: string;
  endpoint?: string;
  dryrun?: boolean;
  now?: string;
  format: 'table' | 'json' | 'csv';
  quiet?: boolean;
}

export const command: CommandModule = {
  name: 'workflow',
  register(program) {
    const wf = program.command('workflow').description('violation workflows: notify, escalate, remediate');
    const tick = wf
      .command('tick')
      .description(
        'open and resolve violations from the policies, then run every step that is due (safe from cron)',
      );
    addFlags(
      tick,
      policyFlags.policies,
      commonFlags.db,
      commonFlags.config,
      commonFlags.endpoint,
      commonFlags.dryrun,
      commonFlags.format,
      commonFlags.quiet,
      workflowFlags.now,
    );
    tick.action(async (opts: TickOpts) => {
      const at = parseNow(opts.now);
      const r = await runTick({
        db: opts.db,
        config: opts.config,
        policies: opts.policies,
        endpoint: opts.endpoint,
        dryrun: opts.dryrun,
        clock: at ? offsetClock(at) : systemClock,
        log: opts.quiet ? undefined : (line) => process.stderr.write(`amiwarden: ${line}\n`),
      });
      if (opts.format === 'json') console.log(JSON.stringify(r, null, 2));
      else if (r.skipped) console.log(`tick skipped: ${r.skipped}`);
      else if (!opts.quiet || r.failed > 0)
        console.log(
          `opened ${r.opened}, resolved ${r.resolved}, sent ${r.sent}, failed ${r.failed}, remediated ${r.remediated}, unroutable ${r.unroutable.length}`,
        );
      // Failed deliveries are retried by the next tick; a non-zero exit lets cron wrappers notice.
      if (r.failed > 0) process.exitCode = EXIT_FINDINGS;
    });
  },
};
