import { ApiError } from '../protocol/errors.ts';
import type { AuthFailureKind } from './verify.ts';

type Protocol = 'ec2' | 'query' | 'json' | 'rest';

/**
 * The code and HTTP status each protocol answers an authentication failure with. EC2 says
 * AuthFailure (401) for most and RequestExpired for stale requests and tokens; awsQuery services
 * (STS, Auto Scaling) their documented common errors (403); JSON 1.1 services the `...Exception`
 * codes with 400; REST-JSON services (EBS direct) the same codes with 403.
 */
const TABLE: Record<AuthFailureKind, Record<Protocol, [string, number]>> = {
  missing: {
    ec2: ['MissingAuthenticationToken', 401],
    query: ['MissingAuthenticationToken', 403],
    json: ['MissingAuthenticationTokenException', 400],
    rest: ['MissingAuthenticationTokenException', 403],
  },
  malformed: {
    ec2: ['IncompleteSignature', 400],
    query: ['IncompleteSignature', 400],
    json: ['IncompleteSignatureException', 400],
    rest: ['IncompleteSignatureException', 403],
  },
  'unknown-key': {
    ec2: ['AuthFailure', 401],
    query: ['InvalidClientTokenId', 403],
    json: ['UnrecognizedClientException', 400],
    rest: ['UnrecognizedClientException', 403],
  },
  'token-invalid': {
    ec2: ['AuthFailure', 401],
    query: ['InvalidClientTokenId', 403],
    json: ['UnrecognizedClientException', 400],
    rest: ['UnrecognizedClientException', 403],
  },
  signature: {
    ec2: ['AuthFailure', 401],
    query: ['SignatureDoesNotMatch', 403],
    json: ['InvalidSignatureException', 400],
    rest: ['InvalidSignatureException', 403],
  },
  skew: {
    ec2: ['RequestExpired', 400],
    query: ['SignatureDoesNotMatch', 403],
    json: ['InvalidSignatureException', 400],
    rest: ['InvalidSignatureException', 403],
  },
  'token-expired': {
    ec2: ['RequestExpired', 400],
    query: ['ExpiredToken', 403],
    json: ['ExpiredTokenException', 400],
    rest: ['ExpiredTokenException', 403],
  },
};

const EC2_MESSAGES: Partial<Record<AuthFailureKind, string>> = {
  'unknown-key': 'AWS was not able to validate the provided access credentials',
  'token-invalid': 'AWS was not able to validate the provided access credentials',
  signature: 'AWS was not able to validate the provided access credentials',
  skew: 'Request has expired.',
  'token-expired': 'Request has expired.',
};

export function authError(protocol: Protocol, kind: AuthFailureKind, message: string): ApiError {
  const [code, status] = TABLE[kind][protocol];
  const text = protocol === 'ec2' ? (EC2_MESSAGES[kind] ?? message) : message;
  return new ApiError(code, text, status);
}

/** What a call into a region the account has not enabled gets: the keys are unknown there. */
export function unknownKeyError(protocol: Protocol): ApiError {
  return authError(protocol, 'unknown-key', 'The security token included in the request is invalid.');
}
