import { createHash } from 'node:crypto';
import type { OsInfo } from '../os/types.ts';
import type { InstalledPackage } from '../packages/types.ts';
import { defineReport } from './report.ts';
import { cyclonedxVulnerabilities } from './vulns-cyclonedx.ts';

const PURL_TYPE: Record<InstalledPackage['manager'], string> = { dpkg: 'deb', rpm: 'rpm', apk: 'apk' };
const NAMESPACE: Record<string, string> = {
  debian: 'debian',
  ubuntu: 'ubuntu',
  amzn: 'amazon',
  alpine: 'alpine',
};

/** Percent-encodes a purl component (":" of a dpkg epoch becomes %3A, "+" %2B). */
const enc = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export function purlOf(p: InstalledPackage, os: OsInfo): string {
  const ns = NAMESPACE[os.id] ?? (os.id === 'unknown' ? undefined : os.id);
  const qualifiers: string[] = [];
  if (p.arch) qualifiers.push(`arch=${enc(p.arch)}`);
  if (p.epoch !== undefined) qualifiers.push(`epoch=${p.epoch}`);
  if (os.id !== 'unknown') qualifiers.push(`distro=${enc(`${os.id}-${os.versionId}`)}`);
  return `pkg:${PURL_TYPE[p.manager]}/${ns ? `${enc(ns)}/` : ''}${enc(p.name)}@${enc(p.version)}${qualifiers.length ? `?${qualifiers.sort().join('&')}` : ''}`;
}

/** A serial number derived from the content, so the same image gives the same SBOM. */
function serialOf(parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\n')).digest('hex');
  return `urn:uuid:${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** CycloneDX 1.5 JSON: the OS as the described component, each installed package as a library. */
export const report = defineReport({
  id: 'cyclonedx',
  description: 'CycloneDX 1.5 JSON SBOM of the installed packages, with their unapplied security advisories',
  render(r) {
    const pkgs = r.packages.status === 'ok' ? r.packages.packages : [];
    const components = pkgs.map((p) => {
      const purl = purlOf(p, r.os);
      return {
        type: 'library',
        'bom-ref': purl,
        name: p.name,
        version: p.epoch !== undefined ? `${p.epoch}:${p.version}` : p.version,
        purl,
        ...(p.license ? { licenses: [{ expression: p.license }] } : {}),
        ...(p.maintainer ? { publisher: p.maintainer } : {}),
        properties: [
          { name: 'amiwarden:package:manager', value: p.manager },
          ...(p.sourceName && p.sourceName !== p.name
            ? [{ name: 'amiwarden:package:source', value: p.sourceName }]
            : []),
          ...(p.sourceVersion ? [{ name: 'amiwarden:package:source-version', value: p.sourceVersion }] : []),
        ],
      };
    });
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      serialNumber: serialOf([r.source, r.os.id, r.os.versionId, ...components.map((c) => c.purl)]),
      version: 1,
      metadata: {
        timestamp: r.startedAt,
        tools: { components: [{ type: 'application', name: 'amiwarden' }] },
        component: {
          type: 'operating-system',
          'bom-ref': `os:${r.os.id}-${r.os.versionId}`,
          name: r.os.id,
          version: r.os.versionId,
          description: r.os.prettyName,
        },
        properties: [
          { name: 'amiwarden:scan:source', value: r.source },
          { name: 'amiwarden:packages:status', value: r.packages.status },
          ...(r.packages.status !== 'ok'
            ? [{ name: 'amiwarden:packages:reason', value: r.packages.reason }]
            : []),
          ...(r.vulns?.status === 'not-checked'
            ? [{ name: 'amiwarden:vulns:not-checked', value: r.vulns.reason }]
            : []),
        ],
      },
      components,
      dependencies: [
        { ref: `os:${r.os.id}-${r.os.versionId}`, dependsOn: components.map((c) => c['bom-ref']) },
      ],
    };
    const vulnerabilities = cyclonedxVulnerabilities(r.vulns, pkgs, r.os, purlOf);
    if (vulnerabilities) Object.assign(bom, { vulnerabilities });
    return JSON.stringify(bom, null, 2) + '\n';
  },
});
