/**
 * The one normalised advisory model every source parser produces and the matcher consumes.
 * A row says: in this distribution release, this package is fixed at this version (or has no
 * fix yet, or will not be fixed, or simply has a newer version waiting in the archive).
 */

export const SOURCE_KINDS = [
  'debian-tracker',
  'debian-packages',
  'ubuntu-osv',
  'alas',
  'osv',
  'alpine-secdb',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'negligible', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

/**
 * fixed: a version that closes the advisory is published.
 * no-fix: affected, no fixed version yet. will-not-fix: the distribution decided not to fix it.
 * pending-update: the archive carries a newer version (no CVE data; what apt would upgrade).
 */
export type AdvisoryStatus = 'fixed' | 'no-fix' | 'will-not-fix' | 'pending-update';

export interface AdvisoryRow {
  readonly source: SourceKind;
  /** DSA-/DLA-/USN-/ALAS-/GHSA- id, a CVE id when the feed is CVE-keyed, or `update:<package>` for pending updates. */
  readonly advisoryId: string;
  readonly cves: readonly string[];
  /** os-release ID the row applies to: debian, ubuntu, amzn, alpine, rocky... */
  readonly distro: string;
  /** os-release VERSION_ID the row applies to ("12", "22.04", "2023"). */
  readonly release: string;
  readonly packageName: string;
  /** Debian and Ubuntu feeds name source packages; rpm feeds and Packages indexes name binaries. */
  readonly packageKind: 'source' | 'binary';
  /** Binary architecture when the feed is per architecture ("amd64", "x86_64", "all"); "" otherwise. */
  readonly arch: string;
  readonly status: AdvisoryStatus;
  readonly fixedVersion: string | null;
  /** Lowest affected version when the feed says so (OSV `introduced` other than "0"). */
  readonly affectedFrom: string | null;
  readonly severity: Severity;
  /** ISO date (YYYY-MM-DD) the fix was published, when the feed says. */
  readonly fixDate: string | null;
}

/** Maps the feeds' many severity words onto one scale. */
export function normaliseSeverity(raw: string | undefined | null): Severity {
  const s = (raw ?? '').trim().toLowerCase();
  if (s === 'critical') return 'critical';
  if (s === 'high' || s === 'important') return 'high';
  if (s === 'medium' || s === 'moderate') return 'medium';
  if (s === 'low') return 'low';
  if (s === 'negligible' || s === 'unimportant') return 'negligible';
  return 'unknown';
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** The higher of two severities (critical is highest). */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) <= severityRank(b) ? a : b;
}

/** YYYY-MM-DD from any date string the feeds use, or null. */
export function isoDay(raw: string | undefined | null): string | null {
  if (!raw) return null;
  const m = /^(\d{4}-\d{2}-\d{2})/.exec(raw.trim());
  if (m) return m[1]!;
  const t = Date.parse(raw);
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 10);
}

const DEBIAN_CODENAMES: Readonly<Record<string, string>> = {
  buster: '10',
  bullseye: '11',
  bookworm: '12',
  trixie: '13',
  forky: '14',
  sid: 'unstable',
};

/** Debian speaks in codenames, os-release in numbers; rows use the number when one is known. */
export function debianRelease(codenameOrNumber: string): string {
  const base = codenameOrNumber.replace(/-(security|updates|proposed-updates|backports)$/, '');
  return DEBIAN_CODENAMES[base] ?? base;
}
