import { AmwError } from '../../errors.ts';
import type { AdvisoryRow } from '../model.ts';
import { compareApkVersions } from '../version/apk.ts';
import { defineAdvisorySource } from './define.ts';
import { isObject, parseFeedJson } from './json.ts';

/**
 * Alpine's security database (secdb.alpinelinux.org/v3.NN/main.json, community.json): per aport,
 * `secfixes` maps the release that fixed them to the issue ids. The key `0` lists issues the branch
 * never shipped affected, so they give no row. The branch is `distroversion` ("v3.19") unless named.
 * No dates and no severities: fixes date from the first import that saw them.
 */
export function parseAlpineSecdb(text: string, location: string, release?: string): AdvisoryRow[] {
  const data = parseFeedJson(text, location);
  if (!isObject(data) || !Array.isArray(data.packages))
    throw new AmwError('AMW_ADVISORY_SOURCE', `${location}: not an Alpine secdb (no "packages" list)`);
  const branch = (release ?? (typeof data.distroversion === 'string' ? data.distroversion : '')).replace(
    /^v/,
    '',
  );
  if (!/^\d+\.\d+$/.test(branch))
    throw new AmwError(
      'AMW_ADVISORY_SOURCE',
      `${location}: no Alpine branch (distroversion "${String(data.distroversion)}"); name it: alpine-secdb:3.19=...`,
    );
  // One row per issue and aport; an issue listed under two releases keeps the earlier fix.
  const rows = new Map<string, AdvisoryRow>();
  for (const entry of data.packages) {
    const pkg = isObject(entry) && isObject(entry.pkg) ? entry.pkg : undefined;
    if (!pkg || typeof pkg.name !== 'string' || !isObject(pkg.secfixes)) continue;
    for (const [fixed, ids] of Object.entries(pkg.secfixes)) {
      if (fixed === '0' || !Array.isArray(ids)) continue;
      const issues = ids
        .filter((x): x is string => typeof x === 'string')
        .flatMap((x) => x.split(/\s+/))
        .filter((x) => x !== '');
      for (const id of issues) {
        const key = `${id}\u0000${pkg.name}`;
        const prev = rows.get(key);
        if (prev && compareApkVersions(prev.fixedVersion!, fixed) <= 0) continue;
        rows.set(key, {
          source: 'alpine-secdb',
          advisoryId: id,
          cves: /^CVE-\d{4}-\d+$/.test(id) ? [id] : [],
          distro: 'alpine',
          release: branch,
          packageName: pkg.name,
          packageKind: 'source',
          arch: '',
          status: 'fixed',
          fixedVersion: fixed,
          affectedFrom: null,
          severity: 'unknown',
          fixDate: null,
        });
      }
    }
  }
  return [...rows.values()];
}

export const source = defineAdvisorySource({
  kind: 'alpine-secdb',
  description: "Alpine's security database JSON (secdb.alpinelinux.org/v3.NN/main.json)",
  parse: (text, ctx) => parseAlpineSecdb(text, ctx.location, ctx.release),
});
