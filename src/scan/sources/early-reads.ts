import { OS_RELEASE_PATHS } from '../os/detect.ts';
import { PACKAGE_DB_GLOBS } from '../packages/inventory.ts';
import type { PrefetchOptions } from '../vfs/prefetch.ts';

/**
 * What a scan reads first, before it knows which checks run: the OS file and the package database
 * (and the fstab the assembly itself reads). Sources that pay per block start these as soon as the
 * root filesystem is known.
 */
export const EARLY_GLOBS: readonly string[] = ['/etc/fstab', ...OS_RELEASE_PATHS, ...PACKAGE_DB_GLOBS];

/** The OS file and the package database are read whole right after; bounded all the same. */
export const EARLY_READS: PrefetchOptions = {
  maxOps: 64,
  maxFileBytes: 64 * 1024 * 1024,
  maxDataBytes: 96 * 1024 * 1024,
};

/**
 * Whether a check may walk the root filesystem whole (`/**`: world-writable, SUID, unowned
 * files...), the one case in which its in-use inode tables are worth reading before the checks
 * start. Unknown globs count as a full scan, which walks it.
 */
export const walksWholeRoot = (plannedGlobs: readonly string[] | undefined): boolean =>
  plannedGlobs === undefined || plannedGlobs.includes('/**');

/** What a source that pays per block reads as soon as the root is known (assembleImage's `early`). */
export const earlyReads = (plannedGlobs: readonly string[] | undefined) => ({
  globs: EARLY_GLOBS,
  options: EARLY_READS,
  inodeTables: walksWholeRoot(plannedGlobs),
});
