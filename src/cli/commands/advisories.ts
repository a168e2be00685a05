import type { Command } from 'commander';
import { AmwError } from '../../errors.ts';
import { openStore } from '../../store/db.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import { EXIT_ERROR, EXIT_FINDINGS, ExitCode } from '../main.ts';
import type { VulnReport } from '../../vulns/findings.ts';
import { SOURCE_KINDS } from '../../vulns/model.ts';
import type { CommandModule } from './index.ts';

/** Used when no --source is given: Debian 12's security tracker and its -security/-updates indexes. */
export const DEFAULT_SOURCES = [
  'debian-tracker=https://security-tracker.debian.org/tracker/data/json',
  'debian-packages=http://deb.debian.org/debian-security/dists/bookworm-security/main/binary-amd64/Packages.xz',
  'debian-packages=http://deb.debian.org/debian/dists/bookworm-updates/main/binary-amd64/Packages.xz',
] as const;

const flags = {
  source: defineFlag({
    name: 'source',
    description: `advisory source kind[:release]=URL|FILE (kinds: ${SOURCE_KINDS.join(', ')})`,
    kind: 'list',
    placeholder: 'spec',
  }),
  maxAgeDays: defineFlag({
    name: 'max-age-days',
    description: 'warn when the advisory data is older than this many days',
    kind: 'number',
    defaultValue: 7,
  }),
  failOn: defineFlag({
    name: 'fail-on',
    description: 'exit 1 when an unapplied fix of this severity or higher applies',
    kind: 'string',
    choices: ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'],
  }),
} as const;

function registerUpdate(parent: Command): void {
  const cmd = parent
    .command('update')
    .description('import advisory feeds into the store (the only step that uses the network)');
  addFlags(cmd, commonFlags.db, flags.source, commonFlags.quiet);
  cmd.action(async (opts: { db: string; source?: string[]; quiet?: boolean }) => {
    const { importSource, parseSourceSpec } = await import('../../vulns/import.ts');
    const specs = (opts.source && opts.source.length > 0 ? opts.source : [...DEFAULT_SOURCES]).map(
      parseSourceSpec,
    );
    const store = await openStore(opts.db);
    let failed = 0;
    try {
      for (const spec of specs) {
        const r = await importSource(store.db, spec, () => new Date());
        if (r.error) {
          failed++;
          process.stderr.write(`amiwarden: error: AMW_ADVISORY_SOURCE: ${r.error}\n`);
        } else if (!opts.quiet) process.stdout.write(`${spec.kind}\t${spec.location}\t${r.rows} rows\n`);
      }
    } finally {
      await store.close();
    }
    if (failed > 0) throw new ExitCode(EXIT_ERROR);
  });
}

function registerList(parent: Command): void {
  const cmd = parent.command('list').description('show advisory imports: source, location, time, rows');
  addFlags(cmd, commonFlags.db);
  cmd.action(async (opts: { db: string }) => {
    const { listImports } = await import('../../vulns/store.ts');
    const store = await openStore(opts.db);
    try {
      for (const i of await listImports(store.db))
        process.stdout.write(
          `${i.started_at}\t${i.status}\t${i.kind}\t${i.location}\t${i.rows} rows${i.error ? `\t${i.error}` : ''}\n`,
        );
    } finally {
      await store.close();
    }
  });
}

function registerCheck(parent: Command): void {
  const cmd = parent
    .command('check')
    .description("match a root filesystem's installed packages against the stored advisories (offline)")
    .argument('<root>', 'directory holding the image root filesystem');
  addFlags(cmd, commonFlags.db, commonFlags.format, flags.maxAgeDays, flags.failOn);
  cmd.action(
    async (
      root: string,
      opts: { db: string; format: 'table' | 'json' | 'csv'; maxAgeDays: number; failOn?: string },
    ) => {
      const { checkRoot } = await import('../../vulns/check-root.ts');
      const { formatVulnReport } = await import('../../vulns/format.ts');
      const store = await openStore(opts.db);
      try {
        const report = await checkRoot(store.db, root, new Date(), { maxDataAgeDays: opts.maxAgeDays });
        process.stdout.write(
          `${opts.format === 'json' ? JSON.stringify(report, null, 2) : formatVulnReport(report)}\n`,
        );
        await gate(report, opts.failOn);
      } finally {
        await store.close();
      }
    },
  );
}

function registerMatch(parent: Command): void {
  const cmd = parent
    .command('match')
    .description(
      "match a stored scan's packages against the stored advisories and store the result with the scan",
    )
    .option('--scan <id>', 'scan id')
    .option('--image <id>', 'image id: its latest stored scan');
  addFlags(cmd, commonFlags.db, commonFlags.format, flags.maxAgeDays, flags.failOn);
  cmd.action(
    async (opts: {
      scan?: string;
      image?: string;
      db: string;
      format: 'table' | 'json' | 'csv';
      maxAgeDays: number;
      failOn?: string;
    }) => {
      if (!opts.scan === !opts.image)
        throw new AmwError('AMW_USAGE', 'advisories match needs one of --scan or --image');
      const { matchStoredScan, resolveScanId } = await import('../../vulns/scan-results.ts');
      const { formatVulnReport } = await import('../../vulns/format.ts');
      const store = await openStore(opts.db);
      try {
        const scanId = await resolveScanId(store.db, {
          ...(opts.scan ? { scanId: opts.scan } : {}),
          ...(opts.image ? { imageId: opts.image } : {}),
        });
        const report = await matchStoredScan(store.db, scanId, new Date(), {
          maxDataAgeDays: opts.maxAgeDays,
        });
        process.stdout.write(
          `${opts.format === 'json' ? JSON.stringify({ scanId, ...report }, null, 2) : `scan ${scanId}\n${formatVulnReport(report)}`}\n`,
        );
        await gate(report, opts.failOn);
      } finally {
        await store.close();
      }
    },
  );
}

/** Exit 1 when an unapplied fix at or above the --fail-on severity applies. */
async function gate(report: VulnReport, bar: string | undefined): Promise<void> {
  if (!bar) return;
  const { severityRank, normaliseSeverity } = await import('../../vulns/model.ts');
  const limit = severityRank(normaliseSeverity(bar));
  if (report.findings.some((f) => f.status === 'fixed' && severityRank(f.severity) <= limit))
    throw new ExitCode(EXIT_FINDINGS);
}

export const command: CommandModule = {
  name: 'advisories',
  register(program) {
    const parent = program
      .command('advisories')
      .description(
        'security advisories: import feeds, list imports, check a root filesystem, match stored scans',
      );
    registerUpdate(parent);
    registerList(parent);
    registerCheck(parent);
    registerMatch(parent);
    parent.action(() => {
      throw new AmwError('AMW_USAGE', 'advisories needs a subcommand: update, list, check or match');
    });
  },
};
