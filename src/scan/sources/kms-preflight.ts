import type { KMSClient } from '@aws-sdk/client-kms';
import { DescribeKeyCommand, GenerateDataKeyWithoutPlaintextCommand } from '@aws-sdk/client-kms';
import { messageOf } from '../../errors.ts';

export interface KeyProblem {
  readonly reason: string;
  readonly cause?: unknown;
}

const awsName = (err: unknown): string => (err as { name?: string }).name ?? '';

/** The account a KMS key ARN lives in (arn:aws:kms:region:ACCOUNT:key/...). */
export const keyAccount = (arn: string | undefined): string | undefined =>
  /^arn:[^:]+:kms:[^:]*:(\d{12}):/.exec(arn ?? '')?.[1];

/** KMS answers that say the key cannot be used, as opposed to failures of the call itself. */
const REFUSALS = new Set([
  'AccessDeniedException',
  'NotFoundException',
  'DisabledException',
  'KMSInvalidStateException',
  'KeyUnavailableException',
]);

/**
 * Why the reading account could not decrypt an encrypted snapshot, asked of KMS before any block
 * is read; undefined when it can. DescribeKey gives the key's state (a disabled or deleted key
 * fails every read); a GenerateDataKeyWithoutPlaintext dry run then tests the right to use the
 * key: DryRunOperationException means allowed, AccessDeniedException not. Decrypt's own dry run
 * would need a ciphertext of that key, which a snapshot does not expose; key policies and grants
 * that let another account read snapshots give the key-user set (Decrypt, GenerateDataKey*,
 * ReEncrypt*, CreateGrant, DescribeKey) together, so a refusal here is read as no decrypt right.
 * Throttling, network and server errors are thrown, never turned into a verdict.
 */
export async function snapshotKeyProblem(
  snapshotId: string,
  keyArn: string | undefined,
  opts: { readonly accountId: string; readonly kms?: KMSClient },
): Promise<KeyProblem | undefined> {
  const me = opts.accountId;
  const owner = keyAccount(keyArn);
  if (!keyArn || !owner)
    return { reason: `snapshot ${snapshotId} is encrypted but names no KMS key ARN (${keyArn ?? 'none'})` };
  const key = `snapshot ${snapshotId} is encrypted with KMS key ${keyArn} of account ${owner}`;
  if (!opts.kms) {
    // Without KMS the one decrypt right we can be sure of is our own key's.
    if (owner === me) return undefined;
    return { reason: `${key}; no KMS client to check that account ${me} may decrypt with it` };
  }
  try {
    const meta = (await opts.kms.send(new DescribeKeyCommand({ KeyId: keyArn }))).KeyMetadata;
    if (meta?.KeyState && meta.KeyState !== 'Enabled')
      return { reason: `${key}, which is ${meta.KeyState} (no block can be decrypted)` };
  } catch (err) {
    // A grant can allow decrypting without DescribeKey: only the dry run below decides access.
    if (awsName(err) === 'NotFoundException')
      return { reason: `${key}, which does not exist or is not visible to account ${me}`, cause: err };
    if (awsName(err) !== 'AccessDeniedException') throw err;
  }
  try {
    await opts.kms.send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyArn, KeySpec: 'AES_256', DryRun: true }),
    );
    return undefined; // a service that ignores DryRun and succeeds has allowed the call too
  } catch (err) {
    const name = awsName(err);
    if (name === 'DryRunOperationException') return undefined;
    if (!REFUSALS.has(name)) throw err;
    const why = name === 'AccessDeniedException' ? `no KMS decrypt right for account ${me}` : `KMS ${name}`;
    return { reason: `${key}: ${why} (${messageOf(err)})`, cause: err };
  }
}
