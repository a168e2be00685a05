import { ApiError, missingParameter } from '../protocol/errors.ts';
import type { Caller } from '../state/types.ts';
import type { Ctx, ServiceDef } from './types.ts';

export function callerArn(c: Caller): string {
  return c.role
    ? `arn:aws:sts::${c.accountId}:assumed-role/${c.role.name}/${c.role.session}`
    : `arn:aws:iam::${c.accountId}:user/amiwarden-sim`;
}

function roleId(accountId: string, name: string): string {
  let h = 0;
  for (const ch of `${accountId}/${name}`) h = (Math.imul(h, 31) + ch.charCodeAt(0)) >>> 0;
  return `AROA${h.toString(36).toUpperCase().padStart(8, '0')}SIM${accountId.slice(-4)}`;
}

function getCallerIdentity(ctx: Ctx) {
  const c = ctx.caller;
  return {
    UserId: c.role ? `${roleId(c.accountId, c.role.name)}:${c.role.session}` : `AIDASIM${c.accountId}`,
    Account: c.accountId,
    Arn: callerArn(c),
  };
}

/** AssumeRole into an estate account: the role must exist there and trust the caller's account. */
function assumeRole(ctx: Ctx) {
  const p = ctx.params;
  const arn = p.str('RoleArn');
  const session = p.str('RoleSessionName');
  if (!arn) throw missingParameter('RoleArn');
  if (!session) throw missingParameter('RoleSessionName');
  if (!/^[\w+=,.@-]{2,64}$/.test(session))
    throw new ApiError(
      'ValidationError',
      `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint`,
    );
  const duration = p.int('DurationSeconds') ?? 3600;
  if (!(duration >= 900 && duration <= 43200))
    throw new ApiError(
      'ValidationError',
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value between 900 and 43200`,
    );
  const m = /^arn:aws:iam::([0-9]{12}):role\/(?:[\w+=,.@/-]*\/)?([\w+=,.@-]+)$/.exec(arn);
  if (!m) throw new ApiError('ValidationError', `${arn} is invalid`);
  const [, accountId, roleName] = m as unknown as [string, string, string];
  const target = ctx.state.accounts.get(accountId);
  const role = target?.roles.find((r) => r.name === roleName);
  const trusted = role?.trustedAccounts.some((t) => t === '*' || t === ctx.caller.accountId);
  if (!target || !role || !trusted)
    throw new ApiError(
      'AccessDenied',
      `User: ${callerArn(ctx.caller)} is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
      403,
    );
  // Expiration follows the real clock, as signatures do: the SDK refreshes credentials it
  // believes expired, and the simulator refuses them once they are (ExpiredToken).
  const expiresAt = Date.now() + duration * 1000;
  const keys = ctx.state.addSession(accountId, { name: roleName, session }, expiresAt);
  const expiration = new Date(expiresAt).toISOString();
  return {
    Credentials: {
      AccessKeyId: keys.accessKeyId,
      SecretAccessKey: keys.secretAccessKey,
      SessionToken: keys.sessionToken,
      Expiration: expiration,
    },
    AssumedRoleUser: {
      AssumedRoleId: `${roleId(accountId, roleName)}:${session}`,
      Arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${session}`,
    },
  };
}

export const sts: ServiceDef = {
  name: 'sts',
  protocol: 'query',
  xmlns: 'https://sts.amazonaws.com/doc/2011-06-15/',
  handlers: { AssumeRole: assumeRole, GetCallerIdentity: getCallerIdentity },
};
