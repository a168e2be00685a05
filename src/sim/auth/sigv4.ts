import { createHash, createHmac } from 'node:crypto';

/**
 * AWS Signature Version 4 as the non-S3 services compute it, from the published algorithm:
 * canonical request -> string to sign -> HMAC with a key derived from the secret and the
 * credential scope. Shared by the simulator's verifier and the raw-request signer tests use, so
 * both sides canonicalize the same way; the SDK is the independent signer that keeps them honest.
 */

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3986 encoding: everything but unreserved characters (A-Z a-z 0-9 - _ . ~) as %XY. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeLenient(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * The canonical URI of a path as it travelled on the wire (already encoded once by the client).
 * Non-S3 services normalize the path (empty, `.` and `..` segments) and encode each segment
 * again, so `snap%201` signs as `snap%25201`: the "double encoding" the SDK applies too.
 */
export function canonicalUri(wirePath: string): string {
  const segments: string[] = [];
  for (const seg of wirePath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(uriEncode(seg));
  }
  if (segments.length === 0) return '/';
  return `/${segments.join('/')}${wirePath.endsWith('/') ? '/' : ''}`;
}

/** Pairs decoded from a wire query string (`a=1&b=x%20y`), in their order. */
export function queryPairs(wireQuery: string): [string, string][] {
  const out: [string, string][] = [];
  for (const part of wireQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    out.push([decodeLenient(k), decodeLenient(v)]);
  }
  return out;
}

/** A request target as received (`/path?a=1`) split into the wire path and its decoded query pairs. */
export function splitTarget(url: string): { wirePath: string; query: [string, string][] } {
  const q = url.indexOf('?');
  return q < 0
    ? { wirePath: url, query: [] }
    : { wirePath: url.slice(0, q), query: queryPairs(url.slice(q + 1)) };
}

/** Keys and values encoded, sorted by key then value; a presigned URL's own signature is left out. */
export function canonicalQuery(pairs: [string, string][]): string {
  const encoded: [string, string][] = [];
  for (const [k, v] of pairs) {
    if (k === 'X-Amz-Signature') continue;
    encoded.push([uriEncode(k), uriEncode(v)]);
  }
  encoded.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return encoded.map(([k, v]) => `${k}=${v}`).join('&');
}

/** `name:value` lines for the signed headers (values trimmed, inner whitespace runs collapsed). */
export function canonicalHeaders(signed: readonly string[], valueOf: (name: string) => string): string {
  let out = '';
  for (const name of signed) out += `${name}:${valueOf(name).trim().replace(/\s+/g, ' ')}\n`;
  return out;
}

export interface CanonicalParts {
  method: string;
  wirePath: string;
  query: [string, string][];
  /** Lower-case names, sorted, as SignedHeaders lists them. */
  signedHeaders: readonly string[];
  headerValue: (name: string) => string;
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalParts): string {
  return [
    p.method.toUpperCase(),
    canonicalUri(p.wirePath),
    canonicalQuery(p.query),
    canonicalHeaders(p.signedHeaders, p.headerValue),
    p.signedHeaders.join(';'),
    p.payloadHash,
  ].join('\n');
}

export interface Scope {
  /** YYYYMMDD */
  date: string;
  region: string;
  service: string;
}

export const scopeString = (s: Scope) => `${s.date}/${s.region}/${s.service}/aws4_request`;

export function stringToSign(amzDate: string, scope: Scope, canonical: string): string {
  return `${ALGORITHM}\n${amzDate}\n${scopeString(scope)}\n${sha256Hex(canonical)}`;
}

const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

// Four chained HMACs per derivation; one key serves every request of a day, region and service.
const keyCache = new Map<string, Buffer>();
const KEY_CACHE_MAX = 4096;

/** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
export function signingKey(secret: string, scope: Scope): Buffer {
  const id = `${scope.date}\0${scope.region}\0${scope.service}\0${secret}`;
  let key = keyCache.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, scope.date), scope.region), scope.service), 'aws4_request');
    if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

export function signature(secret: string, scope: Scope, toSign: string): string {
  return createHmac('sha256', signingKey(secret, scope)).update(toSign).digest('hex');
}

export interface ParsedAuthorization {
  accessKeyId: string;
  scope: Scope;
  signedHeaders: string[];
  signature: string;
}

/**
 * Parses `AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/ec2/aws4_request,
 * SignedHeaders=host;x-amz-date, Signature=<hex>`. A string result says what is wrong with it,
 * in the words AWS uses for IncompleteSignature.
 */
export function parseAuthorization(header: string): ParsedAuthorization | string {
  const sp = header.indexOf(' ');
  const algorithm = sp < 0 ? header : header.slice(0, sp);
  if (algorithm !== ALGORITHM) return `Unsupported AWS 'algorithm': '${algorithm}'`;
  const fields = new Map<string, string>();
  for (const part of header.slice(sp + 1).split(',')) {
    const t = part.trim();
    const eq = t.indexOf('=');
    if (eq > 0) fields.set(t.slice(0, eq), t.slice(eq + 1));
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((f) => !fields.get(f));
  if (missing.length > 0)
    return `${missing.map((f) => `Authorization header requires '${f}' parameter.`).join(' ')} Authorization=${header}`;
  const cred = fields.get('Credential')!.split('/');
  if (cred.length !== 5 || cred.some((c) => c === '') || !/^[0-9]{8}$/.test(cred[1]!))
    return `Credential should be scoped to a valid date, region and service: 'AKID/YYYYMMDD/region/service/aws4_request'. Credential=${fields.get('Credential')}`;
  if (cred[4] !== 'aws4_request')
    return `Credential should be scoped with a valid terminator: 'aws4_request', not '${cred[4]}'.`;
  const signed = fields.get('SignedHeaders')!.split(';');
  if (!signed.includes('host'))
    return `'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`;
  const sig = fields.get('Signature')!;
  if (!/^[0-9a-f]{64}$/.test(sig))
    return `Signature must be 64 lower-case hex digits. Authorization=${header}`;
  return {
    accessKeyId: cred[0]!,
    scope: { date: cred[1]!, region: cred[2]!, service: cred[3]! },
    signedHeaders: signed,
    signature: sig,
  };
}

/** `20261123T101500Z` <-> epoch ms. */
export function parseAmzDate(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const t = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  return Number.isNaN(t) ? undefined : t;
}

export function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
