// What the simulator's SigV4 verification costs per request: a request signed by the real SDK
// (EC2 DescribeImageAttribute, the call a collection makes once per image) is captured on
// loopback, then verified N times with the signing-key cache warm and with it defeated.
// Usage: node --import tsx bench/sigv4.ts [--n 20000]
import '../src/aws/sdk-node-warning.ts';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { DescribeImageAttributeCommand, EC2Client } from '@aws-sdk/client-ec2';
import { parseAuthorization } from '../src/sim/auth/sigv4.ts';
import { verifyRequest } from '../src/sim/auth/verify.ts';
import { SIM_ROOT_CREDENTIALS } from '../src/sim/credentials.ts';

const { values } = parseArgs({ options: { n: { type: 'string', default: '20000' } } });
const n = Number(values.n);

const captured = await new Promise<{
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}>((resolve) => {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      resolve({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(500).end();
      server.close();
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const ec2 = new EC2Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { ...SIM_ROOT_CREDENTIALS },
      maxAttempts: 1,
    });
    ec2
      .send(
        new DescribeImageAttributeCommand({
          ImageId: 'ami-0123456789abcdef0',
          Attribute: 'launchPermission',
        }),
      )
      .catch(() => undefined);
  });
});

const entry = { accountId: '100000000001', secretAccessKey: SIM_ROOT_CREDENTIALS.secretAccessKey };
const run = (label: string, lookup: (i: number) => typeof entry) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const parsed = parseAuthorization(captured.headers.authorization!);
    const v = verifyRequest(captured, parsed, () => lookup(i), Date.now());
    if (!v.ok) throw new Error(`${label}: ${v.kind}: ${v.message}`);
  }
  const us = ((performance.now() - t0) * 1000) / n;
  console.log(`${label}: ${us.toFixed(1)} µs per request (${n} requests)`);
};
run('warm signing-key cache', () => entry);
// A distinct secret each time misses the cache: the four extra HMACs of the key derivation.
// (The signature then differs, so this measures up to the comparison by checking the failure.)
const t0 = performance.now();
for (let i = 0; i < n; i++) {
  const parsed = parseAuthorization(captured.headers.authorization!);
  verifyRequest(captured, parsed, () => ({ ...entry, secretAccessKey: `s${i}` }), Date.now());
}
console.log(
  `cold signing key: ${(((performance.now() - t0) * 1000) / n).toFixed(1)} µs per request (${n} requests)`,
);
