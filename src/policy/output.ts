import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { PolicyRun } from './executor.ts';
import type { CompiledPolicy } from './compile.ts';
import { textTable } from '../text-table.ts';

export interface RunInfo {
  readonly runId: string;
  readonly start: Date;
  readonly end: Date;
  readonly dryrun: boolean;
}

/**
 * Custodian's layout: OUTDIR/<policy>/resources.json (every group's matches) and
 * metadata.json (the policy as run, per-group counts, timings).
 */
export async function writeOutputs(
  outDir: string,
  policies: readonly CompiledPolicy[],
  runs: readonly PolicyRun[],
  info: RunInfo,
): Promise<void> {
  const names = [...new Set(runs.map((r) => r.policy))];
  for (const name of names) {
    const mine = runs.filter((r) => r.policy === name);
    const policy = policies.find((p) => p.name === name);
    const dir = join(outDir, name);
    await mkdir(dir, { recursive: true });
    const resources = mine.flatMap((r) => r.resources);
    await writeFile(join(dir, 'resources.json'), `${JSON.stringify(resources, null, 2)}\n`);
    const metadata = {
      policy: policy?.source.raw ?? { name },
      execution: {
        id: info.runId,
        start: info.start.toISOString(),
        end_time: info.end.toISOString(),
        duration: (info.end.getTime() - info.start.getTime()) / 1000,
      },
      config: { dryrun: info.dryrun, output_dir: outDir },
      groups: mine.map((r) => ({
        name: r.group,
        mode: r.mode,
        scanned: r.scanned,
        matched: r.resources.length,
        outcomes: r.outcomes,
        ...(r.tripped ? { tripped: r.tripped } : {}),
      })),
      metrics: [{ MetricName: 'ResourceCount', Unit: 'Count', Value: resources.length }],
    };
    await writeFile(join(dir, 'metadata.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  }
}

const COLUMNS = [
  'policy',
  'group',
  'mode',
  'scanned',
  'matched',
  'done',
  'skipped',
  'failed',
  'notified',
  'dryrun',
] as const;

export function summaryRows(runs: readonly PolicyRun[]): Record<(typeof COLUMNS)[number], string | number>[] {
  return runs.map((r) => ({
    policy: r.policy,
    group: r.group,
    mode: r.mode,
    scanned: r.scanned,
    matched: r.resources.length,
    ...r.outcomes,
  }));
}

/** A plain aligned table; tripped breakers are listed under it. */
export function summaryTable(runs: readonly PolicyRun[]): string {
  const out = textTable(
    COLUMNS,
    summaryRows(runs).map((r) => COLUMNS.map((c) => String(r[c]))),
  );
  for (const r of runs) if (r.tripped) out.push(`! ${r.policy} (${r.group}): ${r.tripped}`);
  return `${out.join('\n')}\n`;
}
