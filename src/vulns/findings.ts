import type { AdvisoryStatus, Severity, SourceKind } from './model.ts';

/** One advisory that applies to one installed package of an image. */
export interface VulnFinding {
  readonly advisoryId: string;
  readonly cves: readonly string[];
  readonly source: SourceKind;
  /** The installed binary package. */
  readonly package: string;
  /** The source package the advisory names, when it names one. */
  readonly sourcePackage: string | null;
  /** The version compared: the source version for source-package advisories. */
  readonly installed: string;
  readonly fixedVersion: string | null;
  /** fixed: a fix is available and not applied; no-fix / will-not-fix as the distribution says. */
  readonly status: Exclude<AdvisoryStatus, 'pending-update'>;
  readonly severity: Severity;
  /** YYYY-MM-DD the fix became available; null when there is no fix. */
  readonly fixDate: string | null;
  /** feed: the advisory's own date; first-seen: the first import that saw this fix (feed has no dates). */
  readonly fixDateSource: 'feed' | 'first-seen' | null;
  readonly fixAgeDays: number | null;
}

/** A package the configured archive would upgrade (no CVE data needed). */
export interface PendingUpdate {
  readonly package: string;
  readonly installed: string;
  readonly candidate: string;
  /** The suite carrying the candidate, e.g. bookworm-security. */
  readonly suite: string;
  readonly firstSeen: string;
  readonly ageDays: number;
}

export interface SeverityCounts {
  readonly fixAvailable: number;
  readonly noFix: number;
  readonly willNotFix: number;
}

export interface VulnSummary {
  readonly bySeverity: Readonly<Record<Severity, SeverityCounts>>;
  readonly fixAvailable: number;
  /** The unapplied fix published longest ago. */
  readonly oldestUnappliedFix: {
    readonly advisoryId: string;
    readonly package: string;
    readonly severity: Severity;
    readonly fixDate: string;
    readonly fixAgeDays: number;
  } | null;
  readonly pendingUpdates: number;
  readonly oldestPendingUpdateDays: number | null;
}

/** How package versions are ordered: the package manager's own rules. */
export type VersionScheme = 'dpkg' | 'rpm' | 'apk';

export interface VulnReport {
  readonly distro: string;
  readonly release: string;
  /** The version scheme used to compare, or null when this OS has none we implement. */
  readonly scheme: VersionScheme | null;
  readonly findings: readonly VulnFinding[];
  readonly pendingUpdates: readonly PendingUpdate[];
  readonly summary: VulnSummary;
  /** What limits the result: no data for the release, stale data, unsupported version scheme. */
  readonly warnings: readonly string[];
}
