import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { ApiError } from '../protocol/errors.ts';
import { grantId } from '../state/seed-kms.ts';
import type { KmsKeyRec, KmsOperation } from '../state/types.ts';
import { KmsGrantOperations } from '../seed/schema.ts';
import { keyFor, resolveKey } from './kms-access.ts';
import type { Ctx, ServiceDef } from './types.ts';

const dryRun = () =>
  new ApiError(
    'DryRunOperationException',
    'The request would have succeeded, but the DryRun option is set.',
    412,
  );

const nullMember = (member: string) =>
  new ApiError(
    'ValidationException',
    `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
  );

function str(ctx: Ctx, field: string, member: string): string {
  const v = ctx.json[field];
  if (typeof v !== 'string' || v === '') throw nullMember(member);
  return v;
}

function keyMetadata(key: KmsKeyRec) {
  return {
    AWSAccountId: key.ownerId,
    KeyId: key.id,
    Arn: key.arn,
    CreationDate: key.created / 1000,
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: 'ENCRYPT_DECRYPT',
    KeyState: key.state,
    ...(key.deletionDate === undefined ? {} : { DeletionDate: key.deletionDate / 1000 }),
    Origin: 'AWS_KMS',
    KeyManager: key.manager,
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: 'SYMMETRIC_DEFAULT',
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
  };
}

/**
 * Ciphertext blobs are real AES-256-GCM under a key derived from the KMS key's ARN, with the ARN in
 * the clear in front (as KMS embeds its key id), so Decrypt finds the key and detects tampering.
 */
const MAGIC = Buffer.from('AMK1');
const wrapKey = (arn: string) => createHash('sha256').update(`amiwarden-sim-kms:${arn}`).digest();

function seal(key: KmsKeyRec, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', wrapKey(key.arn), iv);
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  const arn = Buffer.from(key.arn);
  return Buffer.concat([MAGIC, Buffer.from([arn.length]), arn, iv, c.getAuthTag(), body]);
}

function open(blob: Buffer): { arn: string; plaintext: () => Buffer } {
  const bad = () => new ApiError('InvalidCiphertextException', '', 400);
  if (blob.length < 5 || !blob.subarray(0, 4).equals(MAGIC)) throw bad();
  const n = blob[4]!;
  if (blob.length < 5 + n + 28) throw bad();
  const arn = blob.subarray(5, 5 + n).toString();
  const iv = blob.subarray(5 + n, 17 + n);
  const tag = blob.subarray(17 + n, 33 + n);
  const body = blob.subarray(33 + n);
  return {
    arn,
    plaintext: () => {
      try {
        const d = createDecipheriv('aes-256-gcm', wrapKey(arn), iv);
        d.setAuthTag(tag);
        return Buffer.concat([d.update(body), d.final()]);
      } catch {
        throw bad();
      }
    },
  };
}

function describeKey(ctx: Ctx) {
  const key = keyFor(ctx.state, ctx.caller, str(ctx, 'KeyId', 'keyId'), 'DescribeKey');
  return { KeyMetadata: keyMetadata(key) };
}

function dataKeyLength(ctx: Ctx): number {
  const spec = ctx.json.KeySpec;
  const bytes = ctx.json.NumberOfBytes;
  if (spec !== undefined && bytes !== undefined)
    throw new ApiError('ValidationException', 'Please specify either number of bytes or key spec.');
  if (spec === 'AES_256') return 32;
  if (spec === 'AES_128') return 16;
  if (typeof bytes === 'number' && Number.isInteger(bytes) && bytes >= 1 && bytes <= 1024) return bytes;
  if (spec !== undefined)
    throw new ApiError(
      'ValidationException',
      `1 validation error detected: Value '${String(spec)}' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]`,
    );
  throw new ApiError('ValidationException', 'Please specify either number of bytes or key spec.');
}

function generateDataKey(op: 'GenerateDataKey' | 'GenerateDataKeyWithoutPlaintext') {
  return (ctx: Ctx) => {
    const keyId = str(ctx, 'KeyId', 'keyId');
    const length = dataKeyLength(ctx);
    const key = keyFor(ctx.state, ctx.caller, keyId, op);
    if (ctx.json.DryRun === true) throw dryRun();
    const plaintext = randomBytes(length);
    const out = { CiphertextBlob: seal(key, plaintext).toString('base64'), KeyId: key.arn };
    return op === 'GenerateDataKey' ? { ...out, Plaintext: plaintext.toString('base64') } : out;
  };
}

function decrypt(ctx: Ctx) {
  const blob = Buffer.from(str(ctx, 'CiphertextBlob', 'ciphertextBlob'), 'base64');
  const sealed = open(blob);
  const named = ctx.json.KeyId;
  const key = keyFor(ctx.state, ctx.caller, sealed.arn, 'Decrypt');
  if (typeof named === 'string' && resolveKey(ctx.state, ctx.caller, named)?.arn !== key.arn)
    throw new ApiError(
      'IncorrectKeyException',
      'The key ID in the request does not identify a KMS key that can perform this operation.',
    );
  const plaintext = sealed.plaintext();
  if (ctx.json.DryRun === true) throw dryRun();
  return {
    KeyId: key.arn,
    Plaintext: plaintext.toString('base64'),
    EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
  };
}

/** The account of a grantee principal ARN (account root, role, user, assumed role). */
const principalAccount = (arn: string) => /^arn:aws:(?:iam|sts)::([0-9]{12}):/.exec(arn)?.[1];

function createGrant(ctx: Ctx) {
  const keyId = str(ctx, 'KeyId', 'keyId');
  const grantee = str(ctx, 'GranteePrincipal', 'granteePrincipal');
  const ops = ctx.json.Operations;
  if (!Array.isArray(ops) || ops.length === 0) throw nullMember('operations');
  const known = new Set<string>(KmsGrantOperations);
  const bad = ops.find((o) => typeof o !== 'string' || !known.has(o));
  if (bad !== undefined)
    throw new ApiError(
      'ValidationException',
      `1 validation error detected: Value '${String(bad)}' at 'operations' failed to satisfy constraint: Member must satisfy enum value set`,
    );
  const account = principalAccount(grantee);
  if (!account) throw new ApiError('InvalidArnException', `ARN ${grantee} is not valid.`);
  const key = keyFor(ctx.state, ctx.caller, keyId, 'CreateGrant');
  if (ctx.json.DryRun === true) throw dryRun();
  const id = grantId(key.id, key.grants.length);
  key.grants.push({ grantId: id, grantee: account, operations: ops as KmsOperation[] });
  ctx.state.touch();
  return { GrantId: id, GrantToken: Buffer.from(`amw-grant:${id}`).toString('base64') };
}

export const kms: ServiceDef = {
  name: 'kms',
  protocol: 'json',
  targetPrefix: 'TrentService',
  handlers: {
    CreateGrant: createGrant,
    Decrypt: decrypt,
    DescribeKey: describeKey,
    GenerateDataKey: generateDataKey('GenerateDataKey'),
    GenerateDataKeyWithoutPlaintext: generateDataKey('GenerateDataKeyWithoutPlaintext'),
  },
};
