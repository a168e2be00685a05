import { createHash } from 'node:crypto';
import type { ApiError } from './errors.ts';

/**
 * Paging over a listing sorted by a unique key. A token names the listing (a fingerprint of the
 * request) and the last key returned, so it stays valid while the state is unchanged and still
 * resumes sensibly after a change: like AWS, it never repeats or skips an unchanged item.
 */
export function fingerprintHash(fingerprint: string): string {
  return createHash('sha1').update(fingerprint).digest('base64url').slice(0, 12);
}

export function encodeToken(fp: string, lastKey: string): string {
  return Buffer.from(JSON.stringify({ q: fp, a: lastKey })).toString('base64url');
}

export interface Page<T> {
  items: T[];
  nextToken: string | undefined;
}

export function paginate<T>(
  sorted: readonly T[],
  keyOf: (t: T) => string,
  opts: { max: number; token: string | undefined; fingerprint: string; invalidToken: () => ApiError },
): Page<T> {
  const fp = fingerprintHash(opts.fingerprint);
  let start = 0;
  if (opts.token !== undefined && opts.token !== '') {
    let decoded: { q?: unknown; a?: unknown };
    try {
      decoded = JSON.parse(Buffer.from(opts.token, 'base64url').toString('utf8')) as {
        q?: unknown;
        a?: unknown;
      };
    } catch {
      throw opts.invalidToken();
    }
    if (decoded.q !== fp || typeof decoded.a !== 'string') throw opts.invalidToken();
    start = upperBound(sorted, keyOf, decoded.a);
  }
  const items = sorted.slice(start, start + opts.max);
  const more = start + opts.max < sorted.length;
  return {
    items,
    nextToken: more && items.length > 0 ? encodeToken(fp, keyOf(items[items.length - 1]!)) : undefined,
  };
}

/** First index whose key is greater than `key`. */
function upperBound<T>(sorted: readonly T[], keyOf: (t: T) => string, key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keyOf(sorted[mid]!) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const byKey =
  <T>(keyOf: (t: T) => string) =>
  (a: T, b: T): number => {
    const x = keyOf(a);
    const y = keyOf(b);
    return x < y ? -1 : x > y ? 1 : 0;
  };

/** A small per-state-version cache of computed listings, so page N+1 does not refilter everything. */
export class ListingCache {
  private readonly entries = new Map<string, { version: number; items: unknown[] }>();
  constructor(private readonly limit = 64) {}

  get<T>(key: string, version: number, compute: () => T[]): T[] {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.items as T[];
    }
    const items = compute();
    this.entries.set(key, { version, items });
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return items;
  }
}
