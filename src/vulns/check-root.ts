import type { Kysely } from 'kysely';
import { AmwError } from '../errors.ts';
import { detectOs } from '../scan/os/detect.ts';
import { readPackageInventory } from '../scan/packages/inventory.ts';
import { openDirVfs } from '../scan/vfs/dir-vfs.ts';
import type { Database } from '../store/schema.ts';
import type { VulnReport } from './findings.ts';
import { loadAdvisoryIndex } from './index-build.ts';
import type { MatchOptions } from './match.ts';
import { matchPackages } from './match.ts';

/** Reads a root directory's os-release and package database and matches them offline. */
export async function checkRoot(
  db: Kysely<Database>,
  root: string,
  now: Date,
  opts: MatchOptions = {},
): Promise<VulnReport> {
  const vfs = await openDirVfs(root);
  const detected = await detectOs(vfs);
  if (detected.os.id === 'unknown')
    throw new AmwError('AMW_DISK_NO_ROOT', `${root}: ${detected.problem ?? 'operating system not detected'}`);
  const inventory = await readPackageInventory(vfs, detected.os);
  // An unreadable database must never read as "no vulnerabilities".
  if (inventory.status !== 'ok')
    throw new AmwError(
      'AMW_SCAN_SOURCE',
      `${root}: package database ${inventory.status}: ${inventory.reason}`,
    );
  return matchPackages(
    inventory.packages,
    detected.os,
    await loadAdvisoryIndex(db, detected.os, inventory.packages),
    now,
    opts,
  );
}
