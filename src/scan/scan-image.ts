import { stat } from 'node:fs/promises';
import { AmwError } from '../errors.ts';
import { plannedReads, runControls } from './checks/engine.ts';
import type { ControlResult } from './checks/engine.ts';
import { loadCheckSet } from './checks/loader.ts';
import type { CheckSet } from './checks/loader.ts';
import { selectControls, selectForAnyOs } from './checks/select.ts';
import type { Selection } from './checks/select.ts';
import type { CoverageGap, ScanCompleteness, VerdictStatus } from './checks/verdict.ts';
import { detectOs, isSupportedOs } from './os/detect.ts';
import type { OsInfo } from './os/types.ts';
import { readPackageInventory } from './packages/inventory.ts';
import type { PackageInventory } from './packages/types.ts';
import { CachedVfs } from './vfs/cached-vfs.ts';
import { openDirVfs } from './vfs/dir-vfs.ts';
import type { Vfs } from './vfs/vfs.ts';
import type { ScanVulns } from '../vulns/scan-vulns.ts';

export type VerdictCounts = Record<VerdictStatus, number> & { total: number };

export interface ScanResult {
  readonly source: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly os: OsInfo;
  /** True when the OS has a CIS catalog; other detected OSes get the hygiene checks only. */
  readonly osSupported: boolean;
  readonly packages: PackageInventory;
  readonly controls: readonly ControlResult[];
  readonly counts: VerdictCounts;
  readonly completeness: ScanCompleteness;
  readonly gaps: readonly CoverageGap[];
  /** Missing security updates, when the scan was matched against stored advisories (`scan --advisories`). */
  readonly vulns?: ScanVulns;
}

export interface OpenedSource {
  readonly vfs: Vfs;
  close(): Promise<void>;
}

export interface OpenHints {
  /**
   * Globs the scan's checks may read (plannedReads over selectForAnyOs): a source that pays per
   * block reads the root's inode tables ahead only when one of them walks the whole tree.
   */
  readonly plannedGlobs?: readonly string[];
}

/**
 * `dir:PATH`, `file:DISK.img`, `ebs:snap-…`, `ami:ami-…`, or a plain path (a directory is a root
 * tree, a regular file a disk image).
 */
export async function openScanSource(spec: string, hints: OpenHints = {}): Promise<OpenedSource> {
  if (spec.startsWith('file:')) return openDisk(spec);
  if (spec.startsWith('ami:'))
    return (await import('./sources/ami-source.ts')).openAmiFromEnvironment(spec, hints.plannedGlobs);
  if (spec.startsWith('ebs:')) return openEbsFromEnvironment(spec, hints);
  const path = spec.startsWith('dir:') ? spec.slice(4) : spec;
  if (!spec.startsWith('dir:')) {
    const st = await stat(path).catch((err: unknown) => {
      throw new AmwError('AMW_SCAN_SOURCE', `cannot open scan source ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    });
    if (st.isFile() || st.isBlockDevice()) return openDisk(`file:${path}`);
  }
  const vfs = await openDirVfs(path);
  return { vfs, close: async () => undefined };
}

/** `ebs:snap-…` with the SDK's standard environment: AWS_REGION, AWS_ENDPOINT_URL, credentials. */
async function openEbsFromEnvironment(spec: string, hints: OpenHints): Promise<OpenedSource> {
  // Loaded lazily, like the disk readers: only snapshot scans need the EBS client.
  const { ebsClient, environmentRegion } = await import('../aws/clients.ts');
  const { openEbsSource } = await import('./sources/ebs-source.ts');
  const region = environmentRegion();
  if (!region) throw new AmwError('AMW_SCAN_SOURCE', `${spec}: set AWS_REGION to read a snapshot`);
  const client = ebsClient({}, region);
  try {
    const src = await openEbsSource(spec, {
      client,
      ...(hints.plannedGlobs ? { plannedGlobs: hints.plannedGlobs } : {}),
    });
    return {
      vfs: src.vfs,
      close: async () => {
        await src.close();
        client.destroy();
      },
    };
  } catch (err) {
    client.destroy();
    throw err;
  }
}

async function openDisk(spec: string): Promise<OpenedSource> {
  // Loaded lazily: a directory scan does not need the disk and filesystem readers.
  const { openFileSource } = await import('./sources/file-source.ts');
  const src = await openFileSource(spec);
  return { vfs: src.vfs, close: () => src.close() };
}

export function countVerdicts(controls: readonly ControlResult[]): VerdictCounts {
  const counts: VerdictCounts = { pass: 0, fail: 0, manual: 0, 'not-applicable': 0, error: 0, total: 0 };
  for (const c of controls) {
    counts[c.verdict.status]++;
    counts.total++;
  }
  return counts;
}

/**
 * The pipeline on an opened image: OS, packages, checks. An OS that cannot be detected makes the
 * scan `failed` (the hygiene checks still run and are reported); an unreadable or missing package
 * database, a check that errors or a part that could not be read makes it `partial`.
 */
export async function scanVfs(
  source: Vfs,
  selection: Selection = {},
  checkSet?: CheckSet,
  now: () => Date = () => new Date(),
): Promise<ScanResult> {
  const started = now();
  const t0 = performance.now();
  return scanLoaded(source, selection, loadChecks(checkSet), {
    started,
    t0,
  });
}

interface LoadedChecks {
  readonly set: CheckSet;
  readonly gaps: readonly CoverageGap[];
}

/**
 * `given`, else the shipped checks. A rule or catalog that does not load is left out and named as a
 * gap (the scan is partial), never silently dropped; the registry meta-test keeps the shipped files strict.
 */
function loadChecks(given?: CheckSet): LoadedChecks {
  if (given) return { set: given, gaps: [] };
  const gaps: CoverageGap[] = [];
  const set = loadCheckSet({ onProblem: (err) => gaps.push({ part: 'checks', reason: err.toLine() }) });
  return { set, gaps };
}

async function scanLoaded(
  source: Vfs,
  selection: Selection,
  checks: LoadedChecks,
  clock: { readonly started: Date; readonly t0: number },
): Promise<ScanResult> {
  const { started, t0 } = clock;
  const vfs = new CachedVfs(source);
  const gaps: CoverageGap[] = [...checks.gaps];
  const { set } = checks;
  const detected = await detectOs(vfs);
  if (detected.problem) gaps.push({ part: 'os', reason: detected.problem });
  const os = detected.os;
  const packages = await readPackageInventory(vfs, os);
  if (packages.status === 'unreadable')
    gaps.push({ part: `packages (${packages.manager})`, reason: packages.reason });
  if (packages.status === 'none' && !detected.problem)
    gaps.push({ part: 'packages', reason: packages.reason });
  const selected = selectControls(set, os, selection);
  for (const note of selected.notes) gaps.push({ part: 'benchmark', reason: note });
  await vfs.prefetch(plannedReads(set, selected.catalogs)).catch((err: unknown) => {
    gaps.push({ part: 'prefetch', reason: (err as Error).message });
  });
  const run = await runControls(set, selected.catalogs, { vfs, os, packages });
  gaps.push(...run.gaps);
  const completeness: ScanCompleteness = detected.problem
    ? 'failed'
    : gaps.length > 0
      ? 'partial'
      : 'complete';
  return {
    source: vfs.label,
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    os,
    osSupported: isSupportedOs(os),
    packages,
    controls: run.results,
    counts: countVerdicts(run.results),
    completeness,
    gaps,
  };
}

/** Opens a source spec, scans it and closes it. */
export async function scanImage(
  spec: string,
  selection: Selection = {},
  checkSet?: CheckSet,
): Promise<ScanResult> {
  // Loaded before the source opens: what the selection may read decides what a snapshot source
  // fetches ahead (the OS, and so the catalogs that fit it, is not known yet).
  const checks = loadChecks(checkSet);
  const plannedGlobs = plannedReads(checks.set, selectForAnyOs(checks.set, selection));
  const src = await openScanSource(spec, { plannedGlobs });
  try {
    return await scanLoaded(src.vfs, selection, checks, { started: new Date(), t0: performance.now() });
  } finally {
    await src.close();
  }
}
