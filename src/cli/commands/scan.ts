import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AmwError } from '../../errors.ts';
import { severityRank } from '../../scan/checks/engine.ts';
import type { ScanResult } from '../../scan/scan-image.ts';
import type { Store } from '../../store/db.ts';
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
      'exit with --exit-code when a failed check or an unapplied security fix has this severity or higher (or the scan is partial)',
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
    description:
      'store the scan, its findings and packages in the asset store under this AMI id (default for ami: sources: the AMI itself)',
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

/**
 * The image could not be read at all (snapshots not shared, Marketplace, no KMS decrypt right): distinct
 * from 0 (clean), 1 (threshold met) and 2 (error), whatever --fail-on and --exit-code say.
 */
export const EXIT_UNSCANNABLE = 3;

// Advisory severities on the check scale: negligible never meets a threshold; unknown counts as low,
// since nothing shows it is below.
const VULN_RANK: Record<string, (typeof SEVERITIES)[number] | undefined> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  unknown: 'low',
};

/**
 * The exit code a finished scan earns: 2 when it failed, --exit-code when --fail-on is met (a failed
 * control, or an unapplied security fix, at or above the threshold; or a partial scan), else 0.
 */
export function exitCodeFor(r: ScanResult, opts: Pick<ScanOpts, 'failOn' | 'exitCode'>): number {
  if (r.completeness === 'failed') return EXIT_ERROR;
  const failOn = opts.failOn ?? (opts.exitCode !== undefined ? 'low' : undefined);
  if (!failOn) return 0;
  const code = opts.exitCode ?? 1;
  // A partial scan cannot show that nothing at the threshold failed.
  if (r.completeness === 'partial') return code;
  const atLeast = (s: string | undefined): boolean =>
    s !== undefined && severityRank(s as (typeof SEVERITIES)[number]) >= severityRank(failOn);
  const hit = r.controls.some((c) => c.verdict.status === 'fail' && atLeast(c.severity));
  const missingFix =
    r.vulns?.status === 'checked' &&
    r.vulns.report.findings.some((f) => f.status === 'fixed' && atLeast(VULN_RANK[f.severity]));
  return hit || missingFix ? code : 0;
}

/** The AMI id an `ami:` source names, else undefined. */
export const amiOf = (source: string): string | undefined => /^ami:(ami-[0-9a-f]{8,17})$/.exec(source)?.[1];

/** The reason of an AMW_SCAN_UNSCANNABLE error (its message is `<what>: unscannable: <reason>`). */
export function unscannableReasonOf(err: unknown): string | undefined {
  if (!(err instanceof AmwError) || err.code !== 'AMW_SCAN_UNSCANNABLE') return undefined;
  const m = /^.*?: unscannable: ([\s\S]*)$/.exec(err.message);
  return m?.[1] ?? err.message;
}

/** Stores (when a store is open) and reports an image that could not be read; returns the exit code. */
async function reportUnscannable(
  source: string,
  imageId: string | undefined,
  reason: string,
  startedAt: Date,
  opts: ScanOpts,
  openStore: () => Promise<Store | undefined>,
): Promise<number> {
  const { UNSCANNABLE_REPORTS, unscannableLine } = await import('../../scan/report/unscannable.ts');
  let scanId: string | undefined;
  const store = imageId ? await openStore() : undefined;
  if (store && imageId)
    try {
      const { writeUnscannable } = await import('../../scan/store/scan-store.ts');
      scanId = await writeUnscannable(store, imageId, source, reason, startedAt);
    } finally {
      await store.close();
    }
  const u = { source, imageId, reason, startedAt: startedAt.toISOString(), ...(scanId ? { scanId } : {}) };
  const text = UNSCANNABLE_REPORTS[opts.format]!(u);
  if (opts.output) await writeFile(opts.output, text);
  else process.stdout.write(text);
  // The table already is that line; other formats (or a file) get it on stderr as well.
  if (opts.format !== 'table' || opts.output) process.stderr.write(`${unscannableLine(u)}\n`);
  if (scanId && !opts.quiet) process.stderr.write(`scan ${scanId} stored for ${imageId} in ${opts.db}\n`);
  return EXIT_UNSCANNABLE;
}

async function runScan(source: string, raw: Record<string, unknown>, dbExplicit: boolean): Promise<void> {
  if (!Value.Check(ScanOptsSchema, raw)) {
    const e = Value.Errors(ScanOptsSchema, raw).First();
    throw new AmwError('AMW_USAGE', `scan: ${e?.path.slice(1) ?? ''} ${e?.message ?? 'invalid options'}`);
  }
  const given = raw as ScanOpts;
  // An ami: scan is stored under its own AMI when a store is named (--db) or already exists;
  // an explicit --image always stores, creating the store.
  const ami = amiOf(source);
  const implied =
    ami !== undefined &&
    given.image === undefined &&
    (dbExplicit || !(await import('../../vulns/scan-vulns.ts')).storeMissing(given.db));
  const opts: ScanOpts = implied ? { ...given, image: ami } : given;
  const { scanImage } = await import('../../scan/scan-image.ts');
  const { REPORTS } = await import('../../scan/report/index.ts');
  const startedAt = new Date();
  let result: ScanResult;
  try {
    result = await scanImage(source, {
      ...(opts.benchmark ? { benchmark: opts.benchmark } : {}),
      ...(opts.level ? { level: Number(opts.level) as 1 | 2 } : {}),
      checks: opts.checks,
    });
  } catch (err) {
    const reason = unscannableReasonOf(err);
    if (reason === undefined) throw err;
    const code = await reportUnscannable(source, opts.image ?? ami, reason, startedAt, opts, async () =>
      opts.image !== undefined ? (await import('../../store/db.ts')).openStore(opts.db) : undefined,
    );
    throw new ExitCode(code);
  }
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
        'judge an image by CIS and hygiene checks without launching it: a root tree (dir:PATH), a disk image (file:DISK.img), ' +
          'an EBS snapshot (ebs:snap-...) or every EBS volume of an AMI (ami:ami-...); an image that cannot be read exits 3 (unscannable)',
      )
      .argument('<source>', 'dir:PATH, file:DISK.img, ebs:snap-..., ami:ami-..., or a path');
    addFlags(cmd, ...Object.values(scanFlags), commonFlags.db, commonFlags.quiet);
    cmd.action((source: string, options: Record<string, unknown>, self: Command) =>
      runScan(source, options, self.getOptionValueSource('db') !== 'default'),
    );
  },
};
