import { AmwError, messageOf } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';

const CREDENTIAL_CODES = new Set([
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

export function awsErrorName(err: unknown): string {
  return (err as { name?: string })?.name ?? 'Error';
}

/** Maps an SDK failure to our catalog, once, at the AWS boundary. */
export function wrapAwsError(
  err: unknown,
  what: string,
  fallback: ErrorCode = 'AMW_AWS_CALL_FAILED',
): AmwError {
  if (err instanceof AmwError) return err;
  const name = awsErrorName(err);
  const code: ErrorCode = CREDENTIAL_CODES.has(name)
    ? 'AMW_AWS_CREDENTIALS'
    : name === 'Region is missing' || /UnknownRegion|InvalidRegion|OptInRequired|RegionDisabled/.test(name)
      ? 'AMW_AWS_UNKNOWN_REGION'
      : fallback;
  return new AmwError(code, `${what}: ${name}: ${messageOf(err)}`, { cause: err });
}
