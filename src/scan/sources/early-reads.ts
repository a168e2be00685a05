import { OS_RELEASE_PATHS } from '../os/detect.ts';
import { PACKAGE_DB_GLOBS } from '../packages/inventory.ts';
import type { AssembleOptions } from '../fs/assemble.ts';
import type { PrefetchOptions } from '../vfs/prefetch.ts';
import { prefetchGlobs } from '../vfs/prefetch.ts';
import type { Vfs } from '../vfs/vfs.ts';

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

/**
 * Assembly options for a source that pays per block: its read-ahead settings, and (unless discovery
 * is serial) what to read as soon as the root is known (assembleImage's `early`).
 */
export function earlyAssembleOptions(
  prefetch: PrefetchOptions | undefined,
  plannedGlobs: readonly string[] | undefined,
): AssembleOptions {
  return {
    ...(prefetch ? { prefetch } : {}),
    ...(prefetch?.parallelDiscovery === false
      ? {}
      : { early: { globs: EARLY_GLOBS, options: EARLY_READS, inodeTables: walksWholeRoot(plannedGlobs) } }),
  };
}

/**
 * The early reads again over the whole assembled tree, once fstab placed the other filesystems (a
 * /var of its own holds the package database); what the root gave is cached. A hint only:
 * prefetchGlobs never throws, and the real reads report their own errors.
 */
export function prefetchEarlyReads(vfs: Vfs, prefetch: PrefetchOptions | undefined): void {
  if (prefetch?.enabled !== false) void prefetchGlobs(vfs, EARLY_GLOBS, EARLY_READS);
}
