import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { KeyEntry } from '../state/estate.ts';
import {
  canonicalRequest,
  formatAmzDate,
  parseAmzDate,
  sha256Hex,
  signature,
  splitTarget,
  stringToSign,
} from './sigv4.ts';
import type { ParsedAuthorization, Scope } from './sigv4.ts';

/** How far a request's signing time may be from the wall clock, either way (as AWS allows). */
export const MAX_SKEW_MS = 5 * 60_000;

export type AuthFailureKind =
  'missing' | 'malformed' | 'unknown-key' | 'signature' | 'skew' | 'token-invalid' | 'token-expired';

export type Verdict =
  | { ok: true; accessKeyId: string; entry: KeyEntry; scope: Scope }
  | { ok: false; kind: AuthFailureKind; message: string };

export interface SignedRequest {
  method: string;
  /** The request target as received: path and query, still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const fail = (kind: AuthFailureKind, message: string): Verdict => ({ ok: false, kind, message });

export const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  // Node joins most repeated headers with ", "; SigV4 joins their values with ",".
  return Array.isArray(v) ? v.join(',') : (v ?? '');
}

/**
 * Checks a request's SigV4 Authorization header the way AWS does, in AWS's order: present and
 * well formed, signed within 5 minutes of the wall clock (the real clock: the estate's logical
 * "now" is for the estate's data, not for signatures), a known access key, its session token
 * (present, the one issued, not expired), then the signature over the canonical request.
 */
export function verifyRequest(
  req: SignedRequest,
  parsed: ParsedAuthorization | string | undefined,
  lookup: (accessKeyId: string) => KeyEntry | undefined,
  wallNow: number,
): Verdict {
  if (parsed === undefined) return fail('missing', 'Request is missing Authentication Token');
  if (typeof parsed === 'string') return fail('malformed', parsed);

  const amzDate = headerValue(req.headers, 'x-amz-date');
  let signedAt: number | undefined;
  let dateStamp: string;
  if (amzDate) {
    if (!parsed.signedHeaders.includes('x-amz-date'))
      return fail('malformed', `'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.`);
    signedAt = parseAmzDate(amzDate);
    dateStamp = amzDate;
  } else {
    const date = headerValue(req.headers, 'date');
    signedAt = date ? Date.parse(date) : undefined;
    dateStamp = signedAt === undefined || Number.isNaN(signedAt) ? '' : formatAmzDate(signedAt);
  }
  if (signedAt === undefined || Number.isNaN(signedAt))
    return fail(
      'malformed',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${headerValue(req.headers, 'authorization')}`,
    );
  if (signedAt < wallNow - MAX_SKEW_MS)
    return fail(
      'skew',
      `Signature expired: ${dateStamp} is now earlier than ${formatAmzDate(wallNow - MAX_SKEW_MS)} (${formatAmzDate(wallNow)} - 5 min.)`,
    );
  if (signedAt > wallNow + MAX_SKEW_MS)
    return fail(
      'skew',
      `Signature not yet current: ${dateStamp} is still later than ${formatAmzDate(wallNow + MAX_SKEW_MS)} (${formatAmzDate(wallNow)} + 5 min.)`,
    );

  const entry = lookup(parsed.accessKeyId);
  if (!entry) return fail('unknown-key', 'The security token included in the request is invalid.');
  const token = headerValue(req.headers, 'x-amz-security-token');
  // Long-term keys take no token; temporary ones only the token issued with them.
  if ((entry.sessionToken ?? '') !== token)
    return fail('token-invalid', 'The security token included in the request is invalid.');
  if (entry.expiresAt !== undefined && entry.expiresAt <= wallNow)
    return fail('token-expired', 'The security token included in the request is expired');

  if (parsed.scope.date !== dateStamp.slice(0, 8))
    return fail(
      'signature',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${parsed.scope.date}' != '${dateStamp.slice(0, 8)}', from '${amzDate ? 'X-Amz-Date' : 'Date'}'.`,
    );
  const bodyHash = sha256Hex(req.body);
  const claimed = headerValue(req.headers, 'x-amz-content-sha256');
  if (claimed && claimed !== 'UNSIGNED-PAYLOAD' && claimed !== bodyHash)
    return fail('signature', `The provided 'x-amz-content-sha256' header does not match what was computed.`);

  const canonical = canonicalRequest({
    method: req.method,
    ...splitTarget(req.url),
    signedHeaders: parsed.signedHeaders,
    headerValue: (name) => headerValue(req.headers, name),
    payloadHash: claimed || bodyHash,
  });
  const expected = signature(
    entry.secretAccessKey,
    parsed.scope,
    stringToSign(dateStamp, parsed.scope, canonical),
  );
  if (!timingSafeEqual(Buffer.from(expected), Buffer.from(parsed.signature)))
    return fail('signature', SIGNATURE_MISMATCH);
  return { ok: true, accessKeyId: parsed.accessKeyId, entry, scope: parsed.scope };
}
