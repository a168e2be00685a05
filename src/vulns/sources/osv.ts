import { AmwError, messageOf } from '../../errors.ts';
import { isoDay, normaliseSeverity } from '../model.ts';
import type { AdvisoryRow, Severity, SourceKind } from '../model.ts';
import { defineAdvisorySource } from './define.ts';
import { isObject } from './json.ts';

/** Where an OSV ecosystem string lands: distro, release, and whether its package names are source packages. */
export interface EcosystemTarget {
  readonly distro: string;
  readonly release: string;
  readonly packageKind: 'source' | 'binary';
}

/**
 * "Debian:12", "Ubuntu:22.04:LTS", "Alpine:v3.19", "Rocky Linux:9", "AlmaLinux:9", "Amazon Linux:2023".
 * Ubuntu Pro ecosystems are skipped: their fixes need a subscription an image may not have.
 */
export function ecosystemTarget(ecosystem: string): EcosystemTarget | undefined {
  const parts = ecosystem.split(':');
  const name = parts[0]!.trim().toLowerCase();
  if (name === 'debian' && parts[1]) return { distro: 'debian', release: parts[1], packageKind: 'source' };
  if (name === 'ubuntu') {
    if (parts[1] === 'Pro' || !parts[1]) return undefined;
    return { distro: 'ubuntu', release: parts[1], packageKind: 'source' };
  }
  if (name === 'alpine' && parts[1])
    return { distro: 'alpine', release: parts[1].replace(/^v/, ''), packageKind: 'source' };
  const rpm: Record<string, string> = {
    'rocky linux': 'rocky',
    almalinux: 'almalinux',
    'amazon linux': 'amzn',
    'red hat': 'rhel',
  };
  const distro = rpm[name];
  if (distro && parts[1]) return { distro, release: parts[1], packageKind: 'binary' };
  return undefined;
}

interface OsvEvent {
  introduced?: string;
  fixed?: string;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** Distribution severities are words (Ubuntu priority); CVSS vectors alone are not mapped. */
function severityOf(record: Record<string, unknown>, affected: Record<string, unknown>): Severity {
  const lists = [affected.severity, record.severity];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const s of list)
      if (isObject(s) && typeof s.score === 'string' && normaliseSeverity(s.score) !== 'unknown')
        return normaliseSeverity(s.score);
  }
  for (const spec of [affected.ecosystem_specific, affected.database_specific, record.database_specific])
    if (isObject(spec) && typeof spec.severity === 'string') return normaliseSeverity(spec.severity);
  return 'unknown';
}

/** OSV files come one record per file, as an array, or as JSON lines. */
function records(text: string, location: string): Record<string, unknown>[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const data: unknown = JSON.parse(trimmed);
    if (Array.isArray(data)) return data.filter(isObject);
    if (isObject(data)) return Array.isArray(data.vulns) ? data.vulns.filter(isObject) : [data];
  } catch (err) {
    const lines = trimmed.split('\n');
    if (lines.length > 1) return lines.filter((l) => l.trim() !== '').map((l) => records(l, location)[0]!);
    throw new AmwError('AMW_ADVISORY_SOURCE', `${location}: not OSV JSON: ${messageOf(err)}`, { cause: err });
  }
  throw new AmwError('AMW_ADVISORY_SOURCE', `${location}: not an OSV record`);
}

export function parseOsv(
  text: string,
  location: string,
  kind: SourceKind,
  onlyDistro?: string,
): AdvisoryRow[] {
  const rows: AdvisoryRow[] = [];
  for (const rec of records(text, location)) {
    if (typeof rec.id !== 'string')
      throw new AmwError('AMW_ADVISORY_SOURCE', `${location}: OSV record without id`);
    if (typeof rec.withdrawn === 'string') continue;
    const cves = [
      ...new Set([rec.id, ...strings(rec.aliases), ...strings(rec.upstream), ...strings(rec.related)]),
    ]
      .filter((id) => /^CVE-\d{4}-\d+$/.test(id))
      .sort();
    const fixDate = isoDay(typeof rec.published === 'string' ? rec.published : null);
    for (const aff of Array.isArray(rec.affected) ? rec.affected.filter(isObject) : []) {
      const pkg = isObject(aff.package) ? aff.package : {};
      if (typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') continue;
      const target = ecosystemTarget(pkg.ecosystem);
      if (!target || (onlyDistro && target.distro !== onlyDistro)) continue;
      const ranges = Array.isArray(aff.ranges) ? aff.ranges.filter(isObject) : [];
      for (const range of ranges.filter((r) => r.type === 'ECOSYSTEM')) {
        const events = (Array.isArray(range.events) ? range.events.filter(isObject) : []) as OsvEvent[];
        const introduced = events.find((e) => typeof e.introduced === 'string')?.introduced;
        const fixed = events.find((e) => typeof e.fixed === 'string')?.fixed ?? null;
        rows.push({
          source: kind,
          advisoryId: rec.id,
          cves,
          distro: target.distro,
          release: target.release,
          packageName: pkg.name,
          packageKind: target.packageKind,
          arch: '',
          status: fixed ? 'fixed' : 'no-fix',
          fixedVersion: fixed,
          affectedFrom: introduced && introduced !== '0' ? introduced : null,
          severity: severityOf(rec, aff),
          fixDate: fixed ? fixDate : null,
        });
      }
    }
  }
  return rows;
}

export const source = defineAdvisorySource({
  kind: 'osv',
  description:
    'OSV JSON (one record, an array, or a directory of records) for Debian, Ubuntu, Alpine and rpm distributions',
  parse: (text, ctx) => parseOsv(text, ctx.location, 'osv'),
});
