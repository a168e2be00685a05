import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AmwError } from '../../errors.ts';
import { severityRank } from '../../scan/checks/engine.ts';
import type { ScanResult } from '../../scan/scan-image.ts';
import { EXIT_ERROR, ExitCode } from '../main.ts';
import { addFlags, commonFlags, defineFlag } from '../flags.ts';
import type { CommandModule } from './index.ts';

const FORMATS = ['table', 'json', 'sarif', 'junit', 'html', 'cyclonedx'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

export const scanFlags = {
  benchmark: defineFlag({
    name: 'benchmark',
    description:
      'CIS catalog id (cis-debian12, cis-ubuntu2204, cis-ubuntu2404, cis-al2023); default: by the image OS',
    kind: 'string',
    placeholder: 'id',
  }),
  level: defineFlag({
    name: 'level',
    description: 'CIS profile level: 1, or 2 (level 2 includes level 1)',
    kind: 'string',
    choices: ['1', '2'],
    placeholder: 'n',
  }),
  checks: defineFlag({
    name: 'checks',
    description: 'which checks run',
    kind: 'string',
    choices: ['cis', 'hygiene', 'all'],
    defaultValue: 'all',
  }),
  format: defineFlag({
    name: 'format',
    short: 'f',
    description: 'report format',
    kind: 'string',
    choices: FORMATS,
    defaultValue: 'table',
    env: 'AMIWARDEN_SCAN_FORMAT',
  }),
  output: defineFlag({
    name: 'output',
    short: 'o',
    description: 'write the report to this file instead of stdout',
    kind: 'string',
    placeholder: 'file',
  }),
  failOn: defineFlag({
    name: 'fail-on',
    description:
      'exit with --exit-code when a failed check has this severity or higher (or the scan is partial)',
    kind: 'string',
    choices: SEVERITIES,
    placeholder: 'severity',
  }),
  exitCode: defineFlag({
    name: 'exit-code',
    description: 'exit code for --fail-on (default 1; alone it means --fail-on low)',
    kind: 'number',
    placeholder: 'n',
  }),
  image: defineFlag({
    name: 'image',
    description: 'store the scan, its findings and packages in the asset store under this AMI id',
    kind: 'string',
    placeholder: 'ami-id',
  }),
  advisories: defineFlag({
    name: 'advisories',
    description:
      'match the packages against the advisories in --db, offline (implied by --image or an explicit --db)',
    kind: 'boolean',
  }),
  maxAgeDays: defineFlag({
    name: 'max-age-days',
    description: 'warn when the advisory data is older than this many days',
    kind: 'number',
    defaultValue: 7,
    placeholder: 'n',
  }),
} as const;

const ScanOptsSchema = Type.Object(
  {
    benchmark: Type.Optional(Type.String()),
    level: Type.Optional(Type.Union([Type.Literal('1'), Type.Literal('2')])),
    checks: Type.Union([Type.Literal('cis'), Type.Literal('hygiene'), Type.Literal('all')]),
    format: Type.Union(FORMATS.map((f) => Type.Literal(f))),
    output: Type.Optional(Type.String()),
    failOn: Type.Optional(Type.Union(SEVERITIES.map((s) => Type.Literal(s)))),
    exitCode: Type.Optional(Type.Integer({ minimum: 0, maximum: 255 })),
    image: Type.Optional(Type.String({ pattern: '^ami-[0-9a-f]{8,17}$' })),
    advisories: Type.Optional(Type.Boolean()),
    maxAgeDays: Type.Integer({ minimum: 0 }),
    db: Type.String(),
    quiet: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ScanOpts = Static<typeof ScanOptsSchema>;

/** The exit code a finished scan earns: 2 when it failed, --exit-code when --fail-on is met, else 0. */
export function exitCodeFor(r: ScanResult, opts: Pick<ScanOpts, 'failOn' | 'exitCode'>): number {
  if (r.completeness === 'failed') return EXIT_ERROR;
  const failOn = opts.failOn ?? (opts.exitCode !== undefined ? 'low' : undefined);
  if (!failOn) return 0;
  const code = opts.exitCode ?? 1;
  // A partial scan cannot show that nothing at the threshold failed.
  if (r.completeness === 'partial') return code;
  const hit = r.controls.some(
    (c) => c.verdict.status === 'fail' && severityRank(c.severity) >= severityRank(failOn),
  );
  return hit ? code : 0;
}

async function runScan(source: string, raw: Record<string, unknown>, dbExplicit: boolean): Promise<void> {
  if (!Value.Check(ScanOptsSchema, raw)) {
    const e = Value.Errors(ScanOptsSchema, raw).First();
    throw new AmwError('AMW_USAGE', `scan: ${e?.path.slice(1) ?? ''} ${e?.message ?? 'invalid options'}`);
  }
  const opts = raw as ScanOpts;
  const { scanImage } = await import('../../scan/scan-image.ts');
  const { REPORTS } = await import('../../scan/report/index.ts');
  let result = await scanImage(source, {
    ...(opts.benchmark ? { benchmark: opts.benchmark } : {}),
    ...(opts.level ? { level: Number(opts.level) as 1 | 2 } : {}),
    checks: opts.checks,
  });
  const wantVulns = opts.advisories === true || dbExplicit || opts.image !== undefined;
  const vulnMod = wantVulns ? await import('../../vulns/scan-vulns.ts') : undefined;
  // Opened once: the advisory match reads it and --image writes the scan and the match to it.
  const store =
    vulnMod && (opts.image !== undefined || !vulnMod.storeMissing(opts.db))
      ? await (await import('../../store/db.ts')).openStore(opts.db)
      : undefined;
  try {
    const now = new Date();
    if (vulnMod)
      result = {
        ...result,
        vulns: store
          ? await vulnMod.checkScanVulns(store.db, result, now, { maxDataAgeDays: opts.maxAgeDays })
          : vulnMod.notChecked(`no advisory store at ${opts.db}: run \`amiwarden advisories update\``),
      };
    if (!opts.quiet && result.vulns?.status === 'checked')
      for (const w of result.vulns.report.warnings) process.stderr.write(`warning: ${w}\n`);
    const text = REPORTS[opts.format]!.render(result, {
      color: !opts.output && process.stdout.isTTY === true,
    });
    if (opts.output) await writeFile(opts.output, text);
    else process.stdout.write(text);
    if (opts.image && store) {
      const { writeScan } = await import('../../scan/store/scan-store.ts');
      const id = await writeScan(store, opts.image, result);
      if (result.vulns?.status === 'checked') {
        const { storeVulnReport } = await import('../../vulns/scan-results.ts');
        await storeVulnReport(store.db, id, result.vulns.report, now);
      }
      if (!opts.quiet) process.stderr.write(`scan ${id} stored for ${opts.image} in ${opts.db}\n`);
    }
  } finally {
    await store?.close();
  }
  const code = exitCodeFor(result, opts);
  if (code !== 0) throw new ExitCode(code);
}

export const command: CommandModule = {
  name: 'scan',
  register(program: Command) {
    const cmd = program
      .command('scan')
      .description(
        'judge an image root (dir:PATH, file:DISK.img or a path) by CIS and hygiene checks, offline',
      )
      .argument('<source>', 'dir:PATH, file:DISK.img, or a path');
    addFlags(cmd, ...Object.values(scanFlags), commonFlags.db, commonFlags.quiet);
    cmd.action((source: string, options: Record<string, unknown>, self: Command) =>
      runScan(source, options, self.getOptionValueSource('db') !== 'default'),
    );
  },
};
