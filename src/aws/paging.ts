/**
 * Reads every page of a NextToken-paged call. The SDK's own paginators keep going when a
 * server repeats a token; we stop with an error instead of looping forever.
 */
export async function allPages<Req extends object, Res>(
  call: (req: Req & { NextToken?: string }) => Promise<Res>,
  req: Req,
  items: (res: Res) => readonly unknown[] | undefined,
  nextToken: (res: Res) => string | undefined = (res) => (res as { NextToken?: string }).NextToken,
): Promise<{ items: unknown[]; pages: number }> {
  const out: unknown[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  for (;;) {
    const res = await call({ ...req, ...(token ? { NextToken: token } : {}) });
    pages++;
    out.push(...(items(res) ?? []));
    const next = nextToken(res);
    if (!next) return { items: out, pages };
    if (seen.has(next)) throw new Error(`the server repeated the paging token ${next}`);
    seen.add(next);
    token = next;
  }
}

/** Splits a list into batches of at most n. */
export function batches<T>(list: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += n) out.push(list.slice(i, i + n));
  return out;
}

/** Runs fn over items with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  });
  await Promise.all(workers);
  return out;
}
