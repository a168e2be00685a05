import { AmwError } from '../../errors.ts';
import { debianRelease } from '../model.ts';
import type { AdvisoryRow } from '../model.ts';
import { defineAdvisorySource } from './define.ts';

/** One stanza of a Debian archive `Packages` index, only the fields we use. */
export interface PackagesStanza {
  readonly package: string;
  readonly version: string;
  readonly architecture: string;
  readonly source?: string;
  readonly sourceVersion?: string;
}

/** deb822 stanzas: `Field: value`, continuation lines start with a space, blank lines separate. */
export function parsePackagesIndex(text: string): PackagesStanza[] {
  const out: PackagesStanza[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(' ') || line.startsWith('\t')) continue;
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    const pkg = fields.get('package');
    const version = fields.get('version');
    if (!pkg || !version) continue;
    const src = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(fields.get('source') ?? '');
    out.push({
      package: pkg,
      version,
      architecture: fields.get('architecture') ?? '',
      ...(src ? { source: src[1]!, ...(src[2] ? { sourceVersion: src[2] } : {}) } : {}),
    });
  }
  return out;
}

/** `.../dists/<suite>/<component>/binary-<arch>/Packages[.xz]` names the suite the index belongs to. */
export function suiteFromLocation(location: string): string | undefined {
  return /\/dists\/([^/]+)\//.exec(location)?.[1];
}

export const source = defineAdvisorySource({
  kind: 'debian-packages',
  description:
    'Debian archive Packages index (e.g. bookworm-security, bookworm-updates): what apt would upgrade',
  parse(text, ctx) {
    const suite = ctx.release ?? suiteFromLocation(ctx.location);
    if (!suite)
      throw new AmwError(
        'AMW_ADVISORY_SOURCE',
        `${ctx.location}: cannot tell the suite of this Packages index; name it as debian-packages:<suite>=${ctx.location}`,
      );
    const stanzas = parsePackagesIndex(text);
    if (stanzas.length === 0 && text.trim() !== '')
      throw new AmwError('AMW_ADVISORY_SOURCE', `${ctx.location}: no Package/Version stanzas found`);
    return stanzas.map((s): AdvisoryRow => ({
      source: 'debian-packages',
      advisoryId: `${suite}/${s.package}`,
      cves: [],
      distro: 'debian',
      release: debianRelease(suite),
      packageName: s.package,
      packageKind: 'binary',
      arch: s.architecture,
      status: 'pending-update',
      fixedVersion: s.version,
      affectedFrom: null,
      severity: 'unknown',
      fixDate: null,
    }));
  },
});
