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
// CPU time, not wall time: on a shared, loaded machine wall time counts other processes' turns.
const perRequest = (label: string, verifyOne: (i: number) => void) => {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) verifyOne(i);
  const used = process.cpuUsage(cpu);
  const cpuUs = (used.user + used.system) / n;
  const wallUs = ((performance.now() - wall) * 1000) / n;
  console.log(
    `${label}: ${cpuUs.toFixed(1)} µs CPU per request (${wallUs.toFixed(1)} µs wall; ${n} requests)`,
  );
};
perRequest('warm signing-key cache', () => {
  const v = verifyRequest(
    captured,
    parseAuthorization(captured.headers.authorization!),
    () => entry,
    Date.now(),
  );
  if (!v.ok) throw new Error(`${v.kind}: ${v.message}`);
});
// A distinct secret each time misses the cache: the four extra HMACs of the key derivation (the
// signature then differs, so the request is refused after the same work).
perRequest('cold signing key', (i) => {
  verifyRequest(
    captured,
    parseAuthorization(captured.headers.authorization!),
    () => ({ ...entry, secretAccessKey: `s${i}` }),
    Date.now(),
  );
});
