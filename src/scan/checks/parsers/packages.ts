import type { CheckContext } from '../template.ts';
import type { Verdict } from '../verdict.ts';
import { errored } from '../verdict.ts';

/** Which of `names` the image's package database lists; a verdict instead when there is no readable database. */
export function installed(ctx: CheckContext, names: readonly string[]): string[] | Verdict {
  const inv = ctx.packages;
  if (inv.status !== 'ok')
    return errored(
      `the package database could not be used (${inv.reason}); package checks cannot be decided`,
    );
  const have = new Set(inv.packages.map((p) => p.name));
  return names.filter((n) => have.has(n));
}
