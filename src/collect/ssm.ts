import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { batches } from '../aws/paging.ts';
import type { RowOf } from '../store/sync.ts';
import { iso } from './types.ts';
import type { ScopeContext } from './types.ts';

/**
 * Resolves `resolve:ssm:` image ids (GetParameters takes 10 names per call). The parameter
 * is kept as a row: usage moves when its value changes, and the history shows when.
 */
export async function resolveParameters(
  ctx: ScopeContext,
  names: readonly string[],
): Promise<RowOf<'ssm_parameters'>[]> {
  const rows: RowOf<'ssm_parameters'>[] = [];
  for (const b of batches([...new Set(names)].sort(), 10)) {
    const res = await ctx.clients.ssm.send(new GetParametersCommand({ Names: b }));
    const byName = new Map<string, RowOf<'ssm_parameters'>>();
    for (const p of res.Parameters ?? []) {
      const row = {
        account_id: ctx.accountId,
        region: ctx.region,
        name: p.Selector ? `${p.Name}${p.Selector}` : (p.Name ?? ''),
        value: p.Value ?? null,
        version: p.Version ?? null,
        last_modified: iso(p.LastModifiedDate),
      };
      // GetParameters answers with the plain name; keep the selector the template used.
      const asked =
        b.find((n) => n === row.name || n === p.Name || n === p.ARN || n.split(':')[0] === p.Name) ??
        row.name;
      byName.set(asked, { ...row, name: asked });
    }
    for (const n of b)
      rows.push(
        byName.get(n) ?? {
          account_id: ctx.accountId,
          region: ctx.region,
          name: n,
          value: null,
          version: null,
          last_modified: null,
        },
      );
  }
  return rows;
}
