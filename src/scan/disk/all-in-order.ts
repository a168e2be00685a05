/**
 * Runs `tasks` all at once (or one after another when `parallel` is false) and gives every
 * outcome in the order the tasks were given, so a caller that picks "the first that worked" or
 * reports "the first that failed" decides exactly as a serial loop would, whatever finished first.
 */
export async function settleInOrder<T>(
  tasks: readonly (() => Promise<T>)[],
  parallel: boolean,
): Promise<PromiseSettledResult<T>[]> {
  if (parallel) return Promise.allSettled(tasks.map((t) => t()));
  const out: PromiseSettledResult<T>[] = [];
  for (const t of tasks) {
    try {
      out.push({ status: 'fulfilled', value: await t() });
    } catch (reason) {
      out.push({ status: 'rejected', reason });
    }
  }
  return out;
}

/** Like Promise.all over settleInOrder: the values in order, or the first failure in order. */
export async function allInOrder<T>(tasks: readonly (() => Promise<T>)[], parallel: boolean): Promise<T[]> {
  const settled = await settleInOrder(tasks, parallel);
  return settled.map((s) => {
    if (s.status === 'rejected') throw s.reason;
    return s.value;
  });
}
