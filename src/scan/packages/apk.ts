import type { InstalledPackage } from './types.ts';

export const APK_INSTALLED = '/lib/apk/db/installed';

/** apk's installed database: blank-line separated records of one-letter keys (P name, V version, A arch, L license, o origin, m maintainer). */
export function parseApkInstalled(text: string): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const f: Record<string, string> = {};
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z]):(.*)$/.exec(line);
      if (m && f[m[1]!] === undefined) f[m[1]!] = m[2]!;
    }
    if (!f.P) continue;
    out.push({
      manager: 'apk',
      name: f.P,
      version: f.V ?? '',
      ...(f.A ? { arch: f.A } : {}),
      sourceName: f.o ?? f.P,
      ...(f.L ? { license: f.L } : {}),
      ...(f.m ? { maintainer: f.m } : {}),
    });
  }
  return out;
}
