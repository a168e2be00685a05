import { request } from 'node:http';
import type { SimCredentials } from '../credentials.ts';
import {
  ALGORITHM,
  canonicalRequest,
  formatAmzDate,
  scopeString,
  sha256Hex,
  signature,
  splitTarget,
  stringToSign,
} from './sigv4.ts';

/**
 * Hand-signed HTTP for tests that need what the SDK will not do: change a byte after signing,
 * send an exact path, drop a header. Sign with `signRaw`, alter the result, then `sendRaw`.
 */
export interface RawRequest {
  method: string;
  /** Path and query exactly as sent on the wire (percent-encoded). */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function signRaw(
  req: RawRequest,
  creds: SimCredentials,
  region: string,
  service: string,
  opts: { at?: number; contentSha256?: boolean } = {},
): RawRequest {
  const amzDate = formatAmzDate(opts.at ?? Date.now());
  const scope = { date: amzDate.slice(0, 8), region, service };
  const payloadHash = sha256Hex(req.body);
  const headers: Record<string, string> = { ...req.headers, 'x-amz-date': amzDate };
  if (opts.contentSha256 !== false) headers['x-amz-content-sha256'] = payloadHash;
  if (creds.sessionToken) headers['x-amz-security-token'] = creds.sessionToken;
  const signed = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: req.method,
    ...splitTarget(req.url),
    signedHeaders: signed,
    headerValue: (n) => headers[n] ?? '',
    payloadHash,
  });
  const sig = signature(creds.secretAccessKey, scope, stringToSign(amzDate, scope, canonical));
  headers['authorization'] =
    `${ALGORITHM} Credential=${creds.accessKeyId}/${scopeString(scope)}, SignedHeaders=${signed.join(';')}, Signature=${sig}`;
  return { ...req, headers };
}

/** Sends exactly these headers and body (plus Node's own connection headers, which are unsigned). */
export function sendRaw(baseUrl: string, req: RawRequest): Promise<RawReply> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: base.hostname,
        port: base.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    r.on('error', reject);
    r.end(req.body);
  });
}
