import { isVfsError } from '../vfs/vfs.ts';
import type { Vfs } from '../vfs/vfs.ts';
import { UNKNOWN_OS } from './types.ts';
import type { OsInfo } from './types.ts';

/** Where os-release may live; /etc/os-release is usually a relative link to the second. */
export const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'] as const;

/** The OSes with a CIS catalog; any other detected OS still gets the hygiene checks. */
export const SUPPORTED_OS: ReadonlyArray<{ id: string; versionId: string }> = [
  { id: 'amzn', versionId: '2023' },
  { id: 'debian', versionId: '12' },
  { id: 'ubuntu', versionId: '22.04' },
  { id: 'ubuntu', versionId: '24.04' },
];

export interface OsDetection {
  readonly os: OsInfo;
  /** Why the OS is unknown (no os-release, unreadable, no ID); absent when detected. */
  readonly problem?: string;
  /** The file it came from. */
  readonly source?: string;
}

/** Parses os-release's shell-like KEY=value lines (quotes and backslash escapes). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!m) continue;
    let v = m[2]!.trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) {
      v = v.slice(1, -1);
      v = v.replace(/\\(["'$`\\])/g, '$1');
    }
    out[m[1]!] = v;
  }
  return out;
}

function familyOf(id: string, like: readonly string[]): OsInfo['family'] {
  const all = [id, ...like];
  if (all.some((x) => x === 'debian' || x === 'ubuntu')) return 'debian';
  if (all.some((x) => ['rhel', 'fedora', 'centos', 'amzn', 'rocky', 'almalinux', 'suse'].includes(x)))
    return 'rhel';
  if (all.includes('alpine')) return 'alpine';
  return 'unknown';
}

export function osFromRelease(fields: Record<string, string>): OsInfo | undefined {
  const id = (fields.ID ?? '').toLowerCase();
  if (id === '') return undefined;
  const like = (fields.ID_LIKE ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((s) => s !== '');
  const versionId = fields.VERSION_ID ?? '';
  return {
    id,
    versionId,
    prettyName: fields.PRETTY_NAME ?? `${fields.NAME ?? id} ${versionId}`.trim(),
    family: familyOf(id, like),
    like,
  };
}

/** Reads the image's os-release (never the host's); an unknown OS comes back with the reason. */
export async function detectOs(vfs: Vfs): Promise<OsDetection> {
  const reasons: string[] = [];
  for (const path of OS_RELEASE_PATHS) {
    let text: string;
    try {
      text = (await vfs.readFile(path, { maxBytes: 64 * 1024 })).toString('utf8');
    } catch (err) {
      reasons.push(isVfsError(err, 'ENOENT') ? `${path} absent` : `${path}: ${(err as Error).message}`);
      continue;
    }
    const os = osFromRelease(parseOsRelease(text));
    if (os) return { os, source: path };
    reasons.push(`${path} has no ID`);
  }
  return { os: UNKNOWN_OS, problem: `operating system not detected: ${reasons.join('; ')}` };
}

export const isSupportedOs = (os: OsInfo): boolean =>
  SUPPORTED_OS.some((s) => s.id === os.id && s.versionId === os.versionId);
