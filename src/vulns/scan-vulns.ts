import { existsSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { ScanResult } from '../scan/scan-image.ts';
import type { Database } from '../store/schema.ts';
import { isPostgresUrl } from '../store/db.ts';
import { vulnFacts } from './facts.ts';
import type { VulnFacts } from './facts.ts';
import type { VulnReport } from './findings.ts';
import { loadAdvisoryIndex } from './index-build.ts';
import { matchPackages, schemeFor } from './match.ts';
import type { MatchOptions } from './match.ts';

/**
 * Missing security updates as a scan carries them. `not-checked` is never "no vulnerabilities":
 * it says why nothing was matched (no advisory data, unreadable package database, no store).
 */
export type ScanVulns =
  | { readonly status: 'checked'; readonly report: VulnReport; readonly facts: VulnFacts }
  | { readonly status: 'not-checked'; readonly reason: string };

export function notChecked(reason: string): ScanVulns {
  return { status: 'not-checked', reason };
}

/** A store path that does not exist holds no advisories; opening it would create an empty one. */
export function storeMissing(target: string): boolean {
  return !isPostgresUrl(target) && !existsSync(target);
}

/** Matches a finished scan's package inventory against the stored advisories, offline. */
export async function checkScanVulns(
  db: Kysely<Database>,
  scan: Pick<ScanResult, 'os' | 'packages'>,
  now: Date,
  opts: MatchOptions = {},
): Promise<ScanVulns> {
  const inv = scan.packages;
  if (inv.status !== 'ok') return notChecked(`package database ${inv.status}: ${inv.reason}`);
  const os = { id: scan.os.id, versionId: scan.os.versionId };
  if (os.id === 'unknown') return notChecked('operating system not detected');
  if (!schemeFor(inv.packages[0]?.manager, os))
    return notChecked(`no version comparison for ${os.id} (${inv.manager})`);
  const index = await loadAdvisoryIndex(db, os, inv.packages);
  if (!index.hasData)
    return notChecked(`no advisory data for ${os.id} ${index.release}: run \`amiwarden advisories update\``);
  const report = matchPackages(inv.packages, os, index, now, opts);
  return { status: 'checked', report, facts: vulnFacts(report) };
}
