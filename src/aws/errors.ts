import { AmwError, messageOf } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import type { AwsAccess } from './clients.ts';

/** What AWS means by each code that refuses credentials, said plainly for an operator. */
const CREDENTIAL_REASONS: Record<string, string> = {
  AuthFailure: 'the access key id, its secret or its session token is not valid',
  SignatureDoesNotMatch: 'the secret access key does not match the access key id',
  InvalidSignatureException: 'the secret access key does not match the access key id',
  InvalidClientTokenId: 'the access key id is not known, or its session token is not the one issued with it',
  UnrecognizedClientException:
    'the access key id is not known, or its session token is not the one issued with it',
  InvalidAccessKeyId: 'the access key id is not known',
  ExpiredToken: 'the session token has expired',
  ExpiredTokenException: 'the session token has expired',
  RequestExpired: 'the session token has expired, or the system clock is more than 5 minutes off',
  IncompleteSignature: 'the request was not signed properly',
  IncompleteSignatureException: 'the request was not signed properly',
  MissingAuthenticationToken: 'the request carried no credentials',
  MissingAuthenticationTokenException: 'the request carried no credentials',
};

export function awsErrorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}

/**
 * Whose credentials a call used, for error messages: the access key id and where it came from,
 * or the role they were assumed into. Never the secret or the session token.
 */
export interface CredentialOwner {
  accessKeyId?: string;
  roleArn?: string | null;
  /** e.g. "the environment", "profile prod" */
  source?: string;
}

export function credentialOwner(access: AwsAccess): CredentialOwner {
  const c = access.credentials;
  if (c && typeof c === 'object' && c.accessKeyId) return { accessKeyId: c.accessKeyId };
  if (c) return {};
  const env = process.env;
  if (env.AWS_ACCESS_KEY_ID) return { accessKeyId: env.AWS_ACCESS_KEY_ID, source: 'the environment' };
  if (env.AWS_PROFILE) return { source: `profile ${env.AWS_PROFILE}` };
  return { source: 'the default credential chain' };
}

function describeOwner(o: CredentialOwner): string {
  const parts: string[] = [];
  if (o.roleArn) parts.push(`role ${o.roleArn}`);
  if (o.accessKeyId) parts.push(`access key ${o.accessKeyId}`);
  if (o.source) parts.push(`from ${o.source}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function credentialReason(name: string, message: string): string {
  // A stale signature carries the clock in its message ("Signature expired: ... - 5 min.").
  if (/^Signature (expired|not yet current)/.test(message))
    return 'the system clock is more than 5 minutes off AWS’s clock';
  return CREDENTIAL_REASONS[name] ?? message;
}

/** Maps an SDK failure to our catalog, once, at the AWS boundary. */
export function wrapAwsError(
  err: unknown,
  what: string,
  fallback: ErrorCode = 'AMW_AWS_CALL_FAILED',
  owner?: CredentialOwner,
): AmwError {
  if (err instanceof AmwError) return err;
  const name = awsErrorName(err);
  if (name === 'CredentialsProviderError')
    return new AmwError('AMW_AWS_CREDENTIALS', `${what}: no AWS credentials found: ${messageOf(err)}`, {
      cause: err,
    });
  // EC2 also says AuthFailure for "not authorized for <resource>": a permission, not the keys.
  const credentials =
    CREDENTIAL_REASONS[name] !== undefined &&
    (name !== 'AuthFailure' || /validate the provided access credentials/.test(messageOf(err)));
  if (credentials)
    return new AmwError(
      'AMW_AWS_CREDENTIALS',
      `${what}: AWS refused the credentials${describeOwner(owner ?? {})}: ${credentialReason(name, messageOf(err))} [${name}]`,
      { cause: err },
    );
  const code: ErrorCode =
    name === 'Region is missing' || /UnknownRegion|InvalidRegion|OptInRequired|RegionDisabled/.test(name)
      ? 'AMW_AWS_UNKNOWN_REGION'
      : fallback;
  return new AmwError(code, `${what}: ${name}: ${messageOf(err)}`, { cause: err });
}
