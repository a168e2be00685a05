import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  EMPTY_SHA256,
  parseAuthorization,
  queryPairs,
  sha256Hex,
  signature,
  signingKey,
  stringToSign,
} from './sigv4.ts';

// The worked example of AWS's SigV4 documentation (IAM ListUsers, 2015-08-30): published values.
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const SCOPE = { date: '20150830', region: 'us-east-1', service: 'iam' };

test('the documented example: canonical request, string to sign, signing key and signature', () => {
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
    host: 'iam.amazonaws.com',
    'x-amz-date': '20150830T123600Z',
  };
  const canonical = canonicalRequest({
    method: 'GET',
    wirePath: '/',
    query: queryPairs('Version=2010-05-08&Action=ListUsers'),
    signedHeaders: ['content-type', 'host', 'x-amz-date'],
    headerValue: (n) => headers[n] ?? '',
    payloadHash: EMPTY_SHA256,
  });
  assert.equal(
    canonical,
    'GET\n/\nAction=ListUsers&Version=2010-05-08\ncontent-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\nx-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  assert.equal(sha256Hex(canonical), 'f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59');
  const toSign = stringToSign('20150830T123600Z', SCOPE, canonical);
  assert.equal(
    signingKey(SECRET, SCOPE).toString('hex'),
    'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9',
  );
  assert.equal(
    signature(SECRET, SCOPE, toSign),
    '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  );
  // the cached key is the same key, and another service gets another key
  assert.equal(signingKey(SECRET, SCOPE), signingKey(SECRET, SCOPE));
  assert.notEqual(
    signingKey(SECRET, { ...SCOPE, service: 'ec2' }).toString('hex'),
    signingKey(SECRET, SCOPE).toString('hex'),
  );
});

test('canonical URI: non-S3 double encoding of the wire path, normalized segments', () => {
  assert.equal(canonicalUri('/'), '/');
  assert.equal(canonicalUri(''), '/');
  assert.equal(canonicalUri('/snapshots/snap-1%20x%2Fy/blocks/3'), '/snapshots/snap-1%2520x%252Fy/blocks/3');
  assert.equal(canonicalUri('/a//b/./c/../d/'), '/a/b/d/');
  assert.equal(canonicalUri("/it's(*)"), '/it%27s%28%2A%29');
});

test('canonical query: decoded then RFC 3986 encoded, sorted by key then value, empty values kept', () => {
  assert.equal(
    canonicalQuery(queryPairs('b=2&a=z&a=y&blockToken=ab%2Bc%2F%3Dd%20e&flag&X-Amz-Signature=00')),
    'a=y&a=z&b=2&blockToken=ab%2Bc%2F%3Dd%20e&flag=',
  );
  assert.equal(canonicalQuery(queryPairs('k=%7Etilde~&s=a*b')), 'k=~tilde~&s=a%2Ab');
});

test('Authorization parsing names what is missing or malformed', () => {
  const ok = parseAuthorization(
    'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  );
  assert.deepEqual(ok, {
    accessKeyId: 'AKIDEXAMPLE',
    scope: SCOPE,
    signedHeaders: ['content-type', 'host', 'x-amz-date'],
    signature: '5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
  });
  assert.match(
    parseAuthorization('AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request') as string,
    /^Authorization header requires 'SignedHeaders' parameter\. Authorization header requires 'Signature' parameter\./,
  );
  assert.match(parseAuthorization('AWS AKID:sig') as string, /Unsupported AWS 'algorithm': 'AWS'/);
  assert.match(
    parseAuthorization(
      `AWS4-HMAC-SHA256 Credential=AKID/2015-08-30/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
    ) as string,
    /scoped to a valid date/,
  );
  assert.match(
    parseAuthorization(
      `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=x-amz-date, Signature=${'0'.repeat(64)}`,
    ) as string,
    /'Host' or ':authority' must be a 'SignedHeader'/,
  );
});
