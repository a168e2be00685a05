import { AmwError } from '../../errors.ts';
import { globMatch, globMayMatchBelow } from '../checks/glob.ts';
import type { ReadDeclaration } from '../checks/template.ts';
import { normalizeImagePath } from './vfs.ts';
import type { ReadFileOptions, Vfs, VfsDirEntry, VfsStat } from './vfs.ts';

/**
 * Wraps a Vfs so a check can touch only what its `reads` declares: file data and link targets of
 * matching paths, and the metadata and listings of the directories on the way to them. Anything
 * else throws AMW_SCAN_OUTSIDE_READS, so an undeclared read fails the check instead of silently
 * costing a snapshot source an unplanned block fetch.
 */
export class RestrictedVfs implements Vfs {
  readonly label: string;
  constructor(
    private readonly inner: Vfs,
    private readonly decl: ReadDeclaration,
    private readonly owner: string,
  ) {
    this.label = inner.label;
  }

  private matches(path: string): boolean {
    return this.decl.globs.some((g) => globMatch(g, path));
  }

  private onTheWay(path: string): boolean {
    return this.decl.globs.some((g) => globMayMatchBelow(g, path));
  }

  private deny(op: string, path: string): never {
    throw new AmwError(
      'AMW_SCAN_OUTSIDE_READS',
      `${this.owner}: ${op} ${path} is outside its declared reads (${this.decl.globs.join(', ')})`,
    );
  }

  async lstat(path: string): Promise<VfsStat> {
    const p = normalizeImagePath(path);
    if (!this.onTheWay(p)) this.deny('lstat', p);
    return this.inner.lstat(p);
  }

  async stat(path: string): Promise<VfsStat> {
    const p = normalizeImagePath(path);
    if (!this.onTheWay(p)) this.deny('stat', p);
    return this.inner.stat(p);
  }

  async readdir(path: string): Promise<VfsDirEntry[]> {
    const p = normalizeImagePath(path);
    if (!this.onTheWay(p)) this.deny('readdir', p);
    return this.inner.readdir(p);
  }

  async readlink(path: string): Promise<string> {
    const p = normalizeImagePath(path);
    if (!this.onTheWay(p)) this.deny('readlink', p);
    return this.inner.readlink(p);
  }

  async readFile(path: string, options?: ReadFileOptions): Promise<Buffer> {
    const p = normalizeImagePath(path);
    if (!this.matches(p)) this.deny('readFile', p);
    return this.inner.readFile(p, options);
  }
}

export function restrictVfs(vfs: Vfs, decl: ReadDeclaration, owner: string): Vfs {
  return new RestrictedVfs(vfs, decl, owner);
}
