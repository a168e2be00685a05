import { ApiError } from '../protocol/errors.ts';
import type { SsmParameterRec } from '../state/types.ts';
import type { Ctx, ServiceDef } from './types.ts';

/** `name`, `name:3` (version) or `name:label`; labels are not modelled, so they never match. */
function lookup(ctx: Ctx, selector: string): SsmParameterRec | undefined {
  const i = selector.lastIndexOf(':');
  const name = i > 0 ? selector.slice(0, i) : selector;
  const sel = i > 0 ? selector.slice(i + 1) : undefined;
  const p = ctx.state.ssmParameter(ctx.caller.accountId, ctx.caller.region, name);
  if (!p) return undefined;
  if (sel !== undefined && String(p.version) !== sel) return undefined;
  return p;
}

function render(ctx: Ctx, p: SsmParameterRec, selector: string) {
  const account = p.name.startsWith('/aws/') ? 'aws' : ctx.caller.accountId;
  return {
    Name: p.name,
    Type: p.type,
    Value: p.value,
    Version: p.version,
    Selector: selector.includes(':') ? selector.slice(selector.lastIndexOf(':')) : undefined,
    LastModifiedDate: p.modified / 1000,
    ARN: `arn:aws:ssm:${ctx.caller.region}:${account}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`,
    DataType: p.dataType,
  };
}

function getParameter(ctx: Ctx) {
  const name = ctx.json.Name;
  if (typeof name !== 'string' || name === '')
    throw new ApiError(
      'ValidationException',
      "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    );
  const p = lookup(ctx, name);
  if (!p) throw new ApiError('ParameterNotFound', `Parameter ${name} not found.`);
  return { Parameter: render(ctx, p, name) };
}

function getParameters(ctx: Ctx) {
  const names = ctx.json.Names;
  if (!Array.isArray(names) || names.length === 0 || names.length > 10)
    throw new ApiError(
      'ValidationException',
      "1 validation error detected: Value at 'names' failed to satisfy constraint: Member must have length between 1 and 10",
    );
  const found: ReturnType<typeof render>[] = [];
  const invalid: string[] = [];
  for (const n of names as string[]) {
    const p = lookup(ctx, n);
    if (p) found.push(render(ctx, p, n));
    else invalid.push(n);
  }
  return { Parameters: found, InvalidParameters: invalid };
}

export const ssm: ServiceDef = {
  name: 'ssm',
  protocol: 'json',
  targetPrefix: 'AmazonSSM',
  handlers: { GetParameter: getParameter, GetParameters: getParameters },
};
