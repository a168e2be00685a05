import type { InstalledPackage } from '../scan/packages/types.ts';
import type { AdvisoryIndex, OsRef } from './index-build.ts';
import { releaseKey } from './index-build.ts';
import type { VulnFinding, PendingUpdate, VersionScheme, VulnReport } from './findings.ts';
import { severityRank } from './model.ts';
import type { StoredAdvisory } from './store.ts';
import { summarise } from './summary.ts';
import { compareApkVersions, isValidApkVersion } from './version/apk.ts';
import { compareDpkgVersions } from './version/dpkg.ts';
import { compareRpmEvr, parseRpmEvr } from './version/rpm.ts';

export interface MatchOptions {
  /** Warn when the newest advisory import is older than this many days (default 7). */
  readonly maxDataAgeDays?: number;
}

const DAY_MS = 86_400_000;

export function schemeFor(manager: InstalledPackage['manager'] | undefined, os: OsRef): VersionScheme | null {
  if (manager === 'apk' || (!manager && os.id === 'alpine')) return 'apk';
  if (manager === 'dpkg' || (!manager && ['debian', 'ubuntu'].includes(os.id))) return 'dpkg';
  if (
    manager === 'rpm' ||
    (!manager && ['amzn', 'rhel', 'rocky', 'almalinux', 'centos', 'fedora'].includes(os.id))
  )
    return 'rpm';
  return null;
}

function comparer(scheme: VersionScheme) {
  if (scheme === 'apk')
    return (installed: string, _epoch: number | undefined, other: string) =>
      compareApkVersions(installed, other);
  if (scheme === 'dpkg')
    return (installed: string, _epoch: number | undefined, other: string) =>
      compareDpkgVersions(installed, other);
  return (installed: string, epoch: number | undefined, other: string) =>
    compareRpmEvr(parseRpmEvr(installed, epoch), parseRpmEvr(other));
}

const NEUTRAL_ARCH = new Set(['', 'all', 'noarch']);

function archFits(row: StoredAdvisory, pkg: InstalledPackage): boolean {
  return NEUTRAL_ARCH.has(row.arch) || !pkg.arch || NEUTRAL_ARCH.has(pkg.arch) || row.arch === pkg.arch;
}

function ageDays(day: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(`${day.slice(0, 10)}T00:00:00Z`)) / DAY_MS));
}

/**
 * Which advisories apply to an image's packages. Source-package advisories (Debian, Ubuntu) match
 * every binary built from that source and compare the source's version; a package at or above the
 * fixed version is not vulnerable; "no fix yet" and "will not fix" are reported with no fixed version.
 * Pending-update rows yield the packages the archive would upgrade.
 */
export function matchPackages(
  packages: readonly InstalledPackage[],
  os: OsRef,
  index: AdvisoryIndex,
  now: Date,
  opts: MatchOptions = {},
): VulnReport {
  const warnings: string[] = [];
  const release = releaseKey(os);
  const scheme = schemeFor(packages[0]?.manager, os);
  if (index.distro !== os.id || index.release !== release)
    warnings.push(`advisory index is for ${index.distro} ${index.release}, the image is ${os.id} ${release}`);
  if (!scheme)
    warnings.push(
      `no version comparison for ${os.id} (${packages[0]?.manager ?? 'no packages'}): not matched`,
    );
  if (!index.hasData)
    warnings.push(`no advisory data for ${os.id} ${release}: run \`amiwarden advisories update\``);
  const maxAge = opts.maxDataAgeDays ?? 7;
  for (const [kind, at] of index.importedAt) {
    const days = ageDays(at, now);
    if (days > maxAge) warnings.push(`advisory data from ${kind} is ${days} days old (limit ${maxAge})`);
  }
  const findings: VulnFinding[] = [];
  const pending: PendingUpdate[] = [];
  if (scheme && index.distro === os.id && index.release === release) {
    const base = comparer(scheme);
    // apk orders malformed versions too (their broken tail sorts lowest); say which ones were.
    const malformed = new Set<string>();
    const cmp =
      scheme === 'apk'
        ? (installed: string, epoch: number | undefined, other: string) => {
            for (const v of [installed, other]) if (!isValidApkVersion(v)) malformed.add(v);
            return base(installed, epoch, other);
          }
        : base;
    for (const pkg of packages) {
      const seen = new Set<string>();
      const sourceName = pkg.sourceName ?? pkg.name;
      const sourceVersion = pkg.sourceVersion ?? pkg.version;
      const candidates: Array<{ row: StoredAdvisory; version: string }> = [
        ...(index.bySource.get(sourceName) ?? []).map((row) => ({ row, version: sourceVersion })),
        ...(index.byBinary.get(pkg.name) ?? [])
          .filter((row) => archFits(row, pkg))
          .map((row) => ({ row, version: pkg.version })),
      ];
      let best: StoredAdvisory | undefined;
      for (const { row, version } of candidates) {
        if (row.status === 'pending-update') {
          if (row.fixedVersion && cmp(version, pkg.epoch, row.fixedVersion) < 0)
            if (!best || cmp(best.fixedVersion!, undefined, row.fixedVersion) < 0) best = row;
          continue;
        }
        const key = `${row.advisoryId}\u0000${row.source}`;
        if (seen.has(key)) continue;
        if (row.affectedFrom && cmp(version, pkg.epoch, row.affectedFrom) < 0) continue;
        if (row.status === 'fixed' && (!row.fixedVersion || cmp(version, pkg.epoch, row.fixedVersion) >= 0))
          continue;
        seen.add(key);
        const fixDay = row.status === 'fixed' ? (row.fixDate ?? row.firstSeen.slice(0, 10)) : null;
        findings.push({
          advisoryId: row.advisoryId,
          cves: row.cves,
          source: row.source,
          package: pkg.name,
          sourcePackage: row.packageKind === 'source' ? sourceName : null,
          installed: version,
          fixedVersion: row.status === 'fixed' ? row.fixedVersion : null,
          status: row.status,
          severity: row.severity,
          fixDate: fixDay,
          fixDateSource: row.status !== 'fixed' ? null : row.fixDate ? 'feed' : 'first-seen',
          fixAgeDays: fixDay ? ageDays(fixDay, now) : null,
        });
      }
      if (best)
        pending.push({
          package: pkg.name,
          installed: pkg.version,
          candidate: best.fixedVersion!,
          suite: best.advisoryId.split('/')[0] ?? '',
          firstSeen: best.firstSeen,
          ageDays: ageDays(best.firstSeen, now),
        });
    }
    if (malformed.size > 0)
      warnings.push(
        `not valid apk versions, compared as apk orders them: ${[...malformed].sort().slice(0, 5).join(', ')}${malformed.size > 5 ? ` and ${malformed.size - 5} more` : ''}`,
      );
  }
  findings.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) ||
      (b.fixAgeDays ?? -1) - (a.fixAgeDays ?? -1) ||
      a.package.localeCompare(b.package) ||
      a.advisoryId.localeCompare(b.advisoryId),
  );
  pending.sort((a, b) => a.package.localeCompare(b.package));
  return {
    distro: os.id,
    release,
    scheme,
    findings,
    pendingUpdates: pending,
    summary: summarise(findings, pending),
    warnings,
  };
}
