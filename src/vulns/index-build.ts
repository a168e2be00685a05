import type { Kysely } from 'kysely';
import type { InstalledPackage } from '../scan/packages/types.ts';
import type { Database } from '../store/schema.ts';
import type { StoredAdvisory } from './store.ts';
import { advisoriesFor, importsFor } from './store.ts';

/** The part of the image's OS that picks advisories: os-release ID and VERSION_ID. */
export interface OsRef {
  readonly id: string;
  readonly versionId: string;
}

/**
 * The release key rows are stored under: Debian/Ubuntu/Amazon use VERSION_ID as is; Alpine keeps
 * major.minor ("3.19.1" -> "3.19"); Enterprise Linux clones keep the major ("9.3" -> "9").
 */
export function releaseKey(os: OsRef): string {
  const v = os.versionId.trim();
  // Edge and pre-releases say "3.21_alpha20240807": the branch is still the leading major.minor.
  if (os.id === 'alpine') return /^\d+\.\d+/.exec(v)?.[0] ?? v;
  if (['rocky', 'almalinux', 'rhel', 'centos', 'ol'].includes(os.id)) return v.split('.')[0] ?? v;
  return v;
}

export interface AdvisoryIndex {
  readonly distro: string;
  readonly release: string;
  /** Rows naming source packages, by source package name. */
  readonly bySource: ReadonlyMap<string, readonly StoredAdvisory[]>;
  /** Rows naming binary packages, by binary package name. */
  readonly byBinary: ReadonlyMap<string, readonly StoredAdvisory[]>;
  readonly rowCount: number;
  /** Whether any stored source has rows for this release (the index itself may hold only the image's packages). */
  readonly hasData: boolean;
  /** Newest successful import time (ISO) per source kind that contributed rows. */
  readonly importedAt: ReadonlyMap<string, string>;
}

function push(map: Map<string, StoredAdvisory[]>, key: string, row: StoredAdvisory): void {
  const list = map.get(key);
  if (list) list.push(row);
  else map.set(key, [row]);
}

export function buildAdvisoryIndex(
  rows: Iterable<StoredAdvisory>,
  os: OsRef,
  importedAt: ReadonlyMap<string, string> = new Map(),
  hasData?: boolean,
): AdvisoryIndex {
  const distro = os.id;
  const release = releaseKey(os);
  const bySource = new Map<string, StoredAdvisory[]>();
  const byBinary = new Map<string, StoredAdvisory[]>();
  let rowCount = 0;
  for (const r of rows) {
    if (r.distro !== distro || r.release !== release) continue;
    push(r.packageKind === 'source' ? bySource : byBinary, r.packageName, r);
    rowCount++;
  }
  return { distro, release, bySource, byBinary, rowCount, importedAt, hasData: hasData ?? rowCount > 0 };
}

/**
 * Reads one release's rows from the store (scans are offline: only what `advisories update` stored).
 * Given the image's packages, reads only rows naming them or their source packages.
 */
export async function loadAdvisoryIndex(
  db: Kysely<Database>,
  os: OsRef,
  packages?: readonly InstalledPackage[],
): Promise<AdvisoryIndex> {
  const release = releaseKey(os);
  const names = packages?.flatMap((p) =>
    p.sourceName && p.sourceName !== p.name ? [p.name, p.sourceName] : [p.name],
  );
  const [rows, imports] = await Promise.all([
    advisoriesFor(db, os.id, release, names),
    importsFor(db, os.id, release),
  ]);
  const importedAt = new Map<string, string>();
  for (const imp of imports) {
    const at = imp.finished_at ?? imp.started_at;
    const prev = importedAt.get(imp.kind);
    if (!prev || prev < at) importedAt.set(imp.kind, at);
  }
  return buildAdvisoryIndex(rows, os, importedAt, imports.length > 0);
}
