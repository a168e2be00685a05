import type { InstalledPackage } from './types.ts';

export const DPKG_STATUS = '/var/lib/dpkg/status';

/** Splits a Debian control file into paragraphs of fields (continuation lines folded in). */
export function parseControlParagraphs(text: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let cur: Record<string, string> = {};
  let last: string | undefined;
  const flush = (): void => {
    if (Object.keys(cur).length > 0) out.push(cur);
    cur = {};
    last = undefined;
  };
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      flush();
      continue;
    }
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      cur[last] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    cur[last] = line.slice(colon + 1).trim();
  }
  flush();
  return out;
}

/** A package counts as installed when the third word of Status is "installed" (like dpkg-query's db:Status-Status). */
export function isInstalledStatus(status: string | undefined): boolean {
  return (status ?? '').split(/\s+/)[2] === 'installed';
}

export function parseDpkgStatus(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const p of parseControlParagraphs(text)) {
    if (!p.Package || !isInstalledStatus(p.Status)) continue;
    const src = /^(\S+)(?:\s+\(([^)]+)\))?/.exec(p.Source ?? '');
    out.push({
      manager: 'dpkg',
      name: p.Package,
      version: p.Version ?? '',
      ...(p.Architecture ? { arch: p.Architecture } : {}),
      sourceName: src?.[1] ?? p.Package,
      ...(src?.[2] ? { sourceVersion: src[2] } : {}),
      ...(p.Maintainer ? { maintainer: p.Maintainer } : {}),
    });
  }
  return out;
}
