import { ApiError } from '../protocol/errors.ts';
import type { EstateState } from '../state/estate.ts';
import type { Caller, KmsKeyRec, KmsOperation } from '../state/types.ts';
import { callerArn } from './sts.ts';

const KEY_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY_ARN_RE = /^arn:aws:kms:([a-z0-9-]+):([0-9]{12}):key\/(.+)$/;

/**
 * The key a KeyId names, as KMS resolves it: a bare key id is looked up in the caller's account and
 * region; another account's key needs its ARN; a key of another region does not exist here.
 * Aliases are not modelled.
 */
export function resolveKey(state: EstateState, caller: Caller, keyId: string): KmsKeyRec | undefined {
  const arn = KEY_ID_RE.test(keyId) ? `arn:aws:kms:${caller.region}:${caller.accountId}:key/${keyId}` : keyId;
  const m = KEY_ARN_RE.exec(arn);
  if (!m || m[1] !== caller.region) return undefined;
  return state.kmsKeys.get(arn);
}

/**
 * Whether the caller's account may perform `op` with the key. The simulator has no IAM: an
 * account's principals may do whatever its key policy or grants let the account do. The owner may
 * do everything (the default key policy); an AWS managed key's policy names only its own account.
 */
export function mayUse(key: KmsKeyRec, accountId: string, op: KmsOperation): boolean {
  if (accountId === key.ownerId) return true;
  if (key.manager === 'AWS') return false;
  if (key.policyAccounts.includes(accountId)) return true;
  return key.grants.some((g) => g.grantee === accountId && g.operations.includes(op));
}

export const notFound = (keyId: string) =>
  new ApiError('NotFoundException', `Key '${keyId}' does not exist`, 404);

export const accessDenied = (caller: Caller, op: KmsOperation, key: KmsKeyRec) =>
  new ApiError(
    'AccessDeniedException',
    `User: ${callerArn(caller)} is not authorized to perform: kms:${op} on resource: ${key.arn} because no resource-based policy allows the kms:${op} action`,
  );

/** A key that exists but cannot be used in its current state (DescribeKey still works). */
export function unusableState(key: KmsKeyRec): ApiError | undefined {
  if (key.state === 'Disabled') return new ApiError('DisabledException', `${key.arn} is disabled.`, 409);
  if (key.state === 'PendingDeletion')
    return new ApiError('KMSInvalidStateException', `${key.arn} is pending deletion.`, 409);
  return undefined;
}

/** The key for `op`, checked in KMS's order: exists, caller allowed, key usable. */
export function keyFor(state: EstateState, caller: Caller, keyId: string, op: KmsOperation): KmsKeyRec {
  const key = resolveKey(state, caller, keyId);
  if (!key) throw notFound(keyId);
  if (!mayUse(key, caller.accountId, op)) throw accessDenied(caller, op, key);
  if (op !== 'DescribeKey') {
    const bad = unusableState(key);
    if (bad) throw bad;
  }
  return key;
}
