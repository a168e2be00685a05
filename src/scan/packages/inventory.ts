import { isVfsError } from '../vfs/vfs.ts';
import type { Vfs } from '../vfs/vfs.ts';
import type { OsInfo } from '../os/types.ts';
import { APK_INSTALLED, parseApkInstalled } from './apk.ts';
import { DPKG_STATUS, parseDpkgStatus } from './dpkg.ts';
import { RPMDB_BDB, RPMDB_NDB, RPMDB_SQLITE, parseRpmdbSqlite } from './rpm.ts';
import type { InstalledPackage, PackageInventory } from './types.ts';

/** Package databases can be large (rpmdb.sqlite of a full AMI is ~50 MiB); bounded still. */
const MAX_DB_BYTES = 512 * 1024 * 1024;

/** Every path the inventory may read: sources prefetch these, restricted tests allow them. */
export const PACKAGE_DB_GLOBS = [DPKG_STATUS, RPMDB_SQLITE, RPMDB_BDB, RPMDB_NDB, APK_INSTALLED] as const;

async function exists(vfs: Vfs, path: string): Promise<boolean> {
  try {
    await vfs.lstat(path);
    return true;
  } catch (err) {
    if (isVfsError(err, 'ENOENT') || isVfsError(err, 'ENOTDIR')) return false;
    throw err;
  }
}

async function readDb(
  vfs: Vfs,
  manager: InstalledPackage['manager'],
  path: string,
  parse: (bytes: Buffer) => InstalledPackage[],
): Promise<PackageInventory> {
  try {
    const bytes = await vfs.readFile(path, { maxBytes: MAX_DB_BYTES });
    return { status: 'ok', manager, packages: parse(bytes) };
  } catch (err) {
    return { status: 'unreadable', manager, reason: `${path}: ${(err as Error).message}` };
  }
}

/**
 * Reads the image's package database: dpkg, rpm (rpmdb.sqlite; the Berkeley DB and ndb formats
 * are reported as unsupported by name) or apk. A database that cannot be read is `unreadable`,
 * never an empty list; an image with none is `none`.
 */
export async function readPackageInventory(vfs: Vfs, os: OsInfo): Promise<PackageInventory> {
  const candidates: Array<() => Promise<PackageInventory | undefined>> = [
    async () =>
      (await exists(vfs, DPKG_STATUS))
        ? readDb(vfs, 'dpkg', DPKG_STATUS, (b) => parseDpkgStatus(b.toString('utf8')))
        : undefined,
    async () => {
      if (await exists(vfs, RPMDB_SQLITE)) return readDb(vfs, 'rpm', RPMDB_SQLITE, parseRpmdbSqlite);
      if (await exists(vfs, RPMDB_NDB))
        return {
          status: 'unreadable',
          manager: 'rpm',
          reason: `rpm ndb database ${RPMDB_NDB} is not supported`,
        };
      if (await exists(vfs, RPMDB_BDB))
        return {
          status: 'unreadable',
          manager: 'rpm',
          reason: `rpm Berkeley DB database ${RPMDB_BDB} is not supported (only rpmdb.sqlite is read)`,
        };
      return undefined;
    },
    async () =>
      (await exists(vfs, APK_INSTALLED))
        ? readDb(vfs, 'apk', APK_INSTALLED, (b) => parseApkInstalled(b.toString('utf8')))
        : undefined,
  ];
  // Try the OS family's own manager first so a stray foreign database does not win.
  const order = os.family === 'rhel' ? [1, 0, 2] : os.family === 'alpine' ? [2, 0, 1] : [0, 1, 2];
  for (const i of order) {
    try {
      const found = await candidates[i]!();
      if (found) return found;
    } catch (err) {
      return { status: 'unreadable', manager: 'unknown', reason: (err as Error).message };
    }
  }
  return { status: 'none', reason: 'no dpkg, rpm or apk database found' };
}
