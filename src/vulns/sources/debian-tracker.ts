import { AmwError } from '../../errors.ts';
import { debianRelease, normaliseSeverity } from '../model.ts';
import type { AdvisoryRow, AdvisoryStatus, Severity } from '../model.ts';
import { defineAdvisorySource } from './define.ts';
import { isObject, parseFeedJson } from './json.ts';

/**
 * The Debian security tracker's JSON export: { sourcePackage: { CVE-id: { releases: { codename:
 * { status, fixed_version, urgency, nodsa_reason } } } } }. Keys are source packages.
 */
interface TrackerRelease {
  status?: string;
  fixed_version?: string;
  urgency?: string;
  nodsa?: string;
  nodsa_reason?: string;
}

/** Urgencies carry a trailing `*` when guessed from the CVE; end-of-life means no fix will come. */
function severityOf(urgency: string | undefined): Severity {
  const u = (urgency ?? '').replace(/\*$/, '');
  return normaliseSeverity(u);
}

function statusOf(rel: TrackerRelease): { status: AdvisoryStatus; fixed: string | null } | null {
  if (rel.status === 'resolved') {
    // fixed_version "0" means the release never shipped an affected version.
    if (!rel.fixed_version || rel.fixed_version === '0') return null;
    return { status: 'fixed', fixed: rel.fixed_version };
  }
  if (rel.status === 'open') {
    const urgency = (rel.urgency ?? '').replace(/\*$/, '');
    if (rel.nodsa_reason === 'ignored' || urgency === 'end-of-life')
      return { status: 'will-not-fix', fixed: null };
    return { status: 'no-fix', fixed: null };
  }
  // "undetermined": not yet triaged, so not known to affect the release.
  return null;
}

export const source = defineAdvisorySource({
  kind: 'debian-tracker',
  description: 'Debian security tracker JSON export (CVE -> source package -> fixed version per release)',
  parse(text, ctx) {
    const data = parseFeedJson(text, ctx.location);
    if (!isObject(data))
      throw new AmwError('AMW_ADVISORY_SOURCE', `${ctx.location}: expected an object of packages`);
    const rows: AdvisoryRow[] = [];
    for (const [pkg, issues] of Object.entries(data)) {
      if (!isObject(issues)) continue;
      for (const [id, issue] of Object.entries(issues)) {
        if (!isObject(issue) || !isObject(issue.releases)) continue;
        for (const [codename, relRaw] of Object.entries(issue.releases)) {
          if (!isObject(relRaw)) continue;
          const rel = relRaw as TrackerRelease;
          const st = statusOf(rel);
          if (!st) continue;
          rows.push({
            source: 'debian-tracker',
            advisoryId: id,
            cves: id.startsWith('CVE-') ? [id] : [],
            distro: 'debian',
            release: debianRelease(codename),
            packageName: pkg,
            packageKind: 'source',
            arch: '',
            status: st.status,
            fixedVersion: st.fixed,
            affectedFrom: null,
            severity: severityOf(rel.urgency),
            fixDate: null,
          });
        }
      }
    }
    return rows;
  },
});
