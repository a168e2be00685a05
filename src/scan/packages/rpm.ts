import Database from 'better-sqlite3';
import { RPMTAG, parseRpmHeader } from './rpm-header.ts';
import type { InstalledPackage } from './types.ts';

export const RPMDB_SQLITE = '/var/lib/rpm/rpmdb.sqlite';
/** Older rpm databases, named so a scan can say which unsupported format it met. */
export const RPMDB_BDB = '/var/lib/rpm/Packages';
export const RPMDB_NDB = '/var/lib/rpm/Packages.db';

/** The source package name from a SOURCERPM "openssl-3.0.8-1.amzn2023.0.1.src.rpm". */
export function sourceNameOf(sourcerpm: string): string | undefined {
  const m = /^(.+)-[^-]+-[^-]+\.(?:no)?src\.rpm$/.exec(sourcerpm);
  return m?.[1];
}

/**
 * Reads rpmdb.sqlite from memory: the bytes come from the image through the Vfs, so no temp file
 * is written and nothing in the tree is touched. A WAL-mode header is switched to rollback mode
 * on the copy, because an in-memory database cannot use a WAL.
 */
export function parseRpmdbSqlite(bytes: Buffer): InstalledPackage[] {
  const copy = Buffer.from(bytes);
  if (copy.length >= 20 && copy[18] === 2 && copy[19] === 2) {
    copy[18] = 1;
    copy[19] = 1;
  }
  const db = new Database(copy, { readonly: true });
  try {
    const rows = db.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as Array<{ blob: Buffer }>;
    const out: InstalledPackage[] = [];
    for (const { blob } of rows) {
      const h = parseRpmHeader(blob);
      const name = h.get(RPMTAG.NAME);
      if (typeof name !== 'string' || name === 'gpg-pubkey') continue;
      const version = String(h.get(RPMTAG.VERSION) ?? '');
      const release = h.get(RPMTAG.RELEASE);
      const epoch = h.get(RPMTAG.EPOCH);
      const arch = h.get(RPMTAG.ARCH);
      const license = h.get(RPMTAG.LICENSE);
      const srpm = h.get(RPMTAG.SOURCERPM);
      const vendor = h.get(RPMTAG.PACKAGER) ?? h.get(RPMTAG.VENDOR);
      out.push({
        manager: 'rpm',
        name,
        version: release !== undefined ? `${version}-${String(release)}` : version,
        ...(typeof epoch === 'number' ? { epoch } : {}),
        ...(typeof arch === 'string' ? { arch } : {}),
        sourceName: (typeof srpm === 'string' && sourceNameOf(srpm)) || name,
        ...(typeof license === 'string' ? { license } : {}),
        ...(typeof vendor === 'string' ? { maintainer: vendor } : {}),
      });
    }
    return out;
  } finally {
    db.close();
  }
}
