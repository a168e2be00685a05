import type { ReadFileOptions, Vfs, VfsDirEntry, VfsStat } from './vfs.ts';

/** Past this many cached answers the cache starts over: memory stays bounded on huge trees. */
const DEFAULT_LIMIT = 400_000;

/**
 * Remembers metadata answers (lstat, stat, readdir, readlink) for one scan. An image does not
 * change while it is scanned, and several checks walk the whole tree (world-writable, unowned,
 * SUID, keys): with this the walks after the first cost map lookups instead of system calls or
 * block fetches. File data is not cached; each check reads what it declared.
 */
export class CachedVfs implements Vfs {
  readonly label: string;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly inner: Vfs,
    private readonly limit = DEFAULT_LIMIT,
  ) {
    this.label = inner.label;
  }

  private remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.cache.get(key) as Promise<T> | undefined;
    if (!p) {
      if (this.cache.size >= this.limit) this.cache.clear();
      p = compute();
      // A cached failure is answered again as the same failure; mark it handled here.
      p.catch(() => undefined);
      this.cache.set(key, p);
    }
    return p;
  }

  lstat(path: string): Promise<VfsStat> {
    return this.remember(`l${path}`, () => this.inner.lstat(path));
  }
  stat(path: string): Promise<VfsStat> {
    return this.remember(`s${path}`, () => this.inner.stat(path));
  }
  readdir(path: string): Promise<VfsDirEntry[]> {
    return this.remember(`d${path}`, () => this.inner.readdir(path));
  }
  readlink(path: string): Promise<string> {
    return this.remember(`r${path}`, () => this.inner.readlink(path));
  }
  readFile(path: string, options?: ReadFileOptions): Promise<Buffer> {
    return this.inner.readFile(path, options);
  }
  async prefetch(globs: readonly string[]): Promise<void> {
    await this.inner.prefetch?.(globs);
  }
}
