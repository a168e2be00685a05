import '../../aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { EBSClient, GetSnapshotBlockCommand, ListSnapshotBlocksCommand } from '@aws-sdk/client-ebs';
import { DescribeImagesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { credentialsOf, SIM_ROOT_CREDENTIALS, startSimulator } from '../index.ts';
import type { EstateSeed, RunningSimulator, SimCredentials } from '../index.ts';
import { simClients } from '../testing.ts';
import { sendRaw, signRaw } from './raw-client.ts';
import type { RawRequest } from './raw-client.ts';

const MGMT = '100000000001';
const DEV = '100000000002';
const SNAP = 'snap-0aa0000000000001';
const KEY = `arn:aws:kms:us-east-1:${DEV}:key/11111111-2222-3333-4444-555555555555`;
const R = 'us-east-1';
let dir: string;
let sim: RunningSimulator;
let host: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amw-sigv4-'));
  // Two 512 KiB blocks, the first written: enough for a block list and one block read.
  const content = Buffer.alloc(1024 * 1024);
  content.write('amiwarden block zero', 100);
  await writeFile(join(dir, 'disk.img'), content);
  const seed: EstateSeed = {
    now: '2026-11-01T00:00:00Z',
    regions: [R],
    organization: { id: 'o-sigv4test01', managementAccount: MGMT },
    accounts: [
      { id: MGMT, name: 'management' },
      {
        id: DEV,
        name: 'dev',
        regions: {
          [R]: {
            images: [{ id: 'ami-0d000000000000001', name: 'dev base *1', created: 'now-10d' }],
            snapshots: [{ id: SNAP, size: 1, created: 'now-2d', content: join(dir, 'disk.img') }],
            kmsKeys: [{ id: '11111111-2222-3333-4444-555555555555' }],
          },
        },
      },
    ],
  };
  sim = await startSimulator({ seed });
  host = new URL(sim.url).host;
});
after(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

interface Failure {
  name: string;
  message: string;
  status: number | undefined;
  attempts: number | undefined;
}

async function failure(p: Promise<unknown>): Promise<Failure> {
  try {
    await p;
  } catch (err) {
    const e = err as {
      name: string;
      message: string;
      $metadata?: { httpStatusCode?: number; attempts?: number };
    };
    return {
      name: e.name,
      message: e.message,
      status: e.$metadata?.httpStatusCode,
      attempts: e.$metadata?.attempts,
    };
  }
  return assert.fail('expected the call to fail');
}
const codeOf = async (p: Promise<unknown>) => {
  const f = await failure(p);
  return [f.name, f.status];
};

const ebs = (creds: SimCredentials, extra: object = {}) =>
  new EBSClient({ ...sim.clientConfig(R, creds), maxAttempts: 1, ...extra });
const kms = (creds: SimCredentials) => new KMSClient({ ...sim.clientConfig(R, creds), maxAttempts: 1 });
const dev = () => credentialsOf(sim.state, DEV);

test('correctly signed SDK calls pass on every protocol: query, JSON and REST with encoded query and path', async () => {
  const c = simClients(sim, R, DEV);
  // EC2 query: a filter value with a space and a wildcard, form-encoded in the signed body
  const imgs = await c.ec2.send(
    new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: ['dev base *'] }] }),
  );
  assert.deepEqual(
    imgs.Images!.map((i) => i.ImageId),
    ['ami-0d000000000000001'],
  );
  assert.equal((await c.sts.send(new GetCallerIdentityCommand({}))).Account, DEV);
  assert.deepEqual((await c.asg.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups, []);
  // JSON 1.1: SSM, KMS, Organizations (auth passed when the service's own answer comes back)
  assert.deepEqual(await codeOf(c.ssm.send(new GetParameterCommand({ Name: '/nope' }))), [
    'ParameterNotFound',
    400,
  ]);
  assert.equal((await kms(dev()).send(new DescribeKeyCommand({ KeyId: KEY }))).KeyMetadata!.Arn, KEY);
  const org = simClients(sim, R, MGMT).org;
  assert.equal((await org.send(new DescribeOrganizationCommand({}))).Organization!.Id, 'o-sigv4test01');
  // REST: a query string (maxResults) and a base64 block token with '=' that must be encoded
  const blocks = await ebs(dev()).send(new ListSnapshotBlocksCommand({ SnapshotId: SNAP, MaxResults: 100 }));
  assert.deepEqual(
    blocks.Blocks!.map((b) => b.BlockIndex),
    [0],
  );
  assert.match(blocks.Blocks![0]!.BlockToken!, /[=+/]/);
  const block = await ebs(dev()).send(
    new GetSnapshotBlockCommand({
      SnapshotId: SNAP,
      BlockIndex: 0,
      BlockToken: blocks.Blocks![0]!.BlockToken,
    }),
  );
  const data = Buffer.from(await block.BlockData!.transformToByteArray());
  assert.equal(data.toString('utf8', 100, 120), 'amiwarden block zero');
  // a path segment the SDK percent-encodes (signed double-encoded): EBS's own validation answers
  const odd = await failure(ebs(dev()).send(new ListSnapshotBlocksCommand({ SnapshotId: 'snap-0aa 1/x' })));
  assert.deepEqual([odd.name, odd.status], ['ValidationException', 400]);
  assert.match(odd.message, /snap-0aa 1\/x is not valid/);
});

test('a wrong secret is refused in each protocol’s words, and the SDK does not retry it', async () => {
  const wrong = { accessKeyId: dev().accessKeyId, secretAccessKey: 'not-the-secret' };
  const c = simClients(sim, R, wrong, 3);
  const ec2 = await failure(c.ec2.send(new DescribeRegionsCommand({})));
  assert.deepEqual(ec2, {
    name: 'AuthFailure',
    message: 'AWS was not able to validate the provided access credentials',
    status: 401,
    attempts: 1,
  });
  const sts = await failure(c.sts.send(new GetCallerIdentityCommand({})));
  assert.deepEqual([sts.name, sts.status, sts.attempts], ['SignatureDoesNotMatch', 403, 1]);
  assert.match(sts.message, /^The request signature we calculated does not match the signature you provided/);
  assert.deepEqual(await codeOf(c.asg.send(new DescribeAutoScalingGroupsCommand({}))), [
    'SignatureDoesNotMatch',
    403,
  ]);
  const ssm = await failure(c.ssm.send(new GetParameterCommand({ Name: '/x' })));
  assert.deepEqual([ssm.name, ssm.status, ssm.attempts], ['InvalidSignatureException', 400, 1]);
  assert.deepEqual(await codeOf(kms(wrong).send(new DescribeKeyCommand({ KeyId: KEY }))), [
    'InvalidSignatureException',
    400,
  ]);
  assert.deepEqual(await codeOf(ebs(wrong).send(new ListSnapshotBlocksCommand({ SnapshotId: SNAP }))), [
    'InvalidSignatureException',
    403,
  ]);
  // the root keys with another account's secret: the access key decides whose secret must sign
  const mixed = { accessKeyId: SIM_ROOT_CREDENTIALS.accessKeyId, secretAccessKey: dev().secretAccessKey };
  assert.deepEqual(await codeOf(simClients(sim, R, mixed).sts.send(new GetCallerIdentityCommand({}))), [
    'SignatureDoesNotMatch',
    403,
  ]);
});

test('an unknown access key is refused before its signature is looked at', async () => {
  const unknown = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' };
  const c = simClients(sim, R, unknown, 3);
  const ec2 = await failure(c.ec2.send(new DescribeRegionsCommand({})));
  assert.deepEqual([ec2.name, ec2.status, ec2.attempts], ['AuthFailure', 401, 1]);
  assert.deepEqual(await codeOf(c.sts.send(new GetCallerIdentityCommand({}))), ['InvalidClientTokenId', 403]);
  assert.deepEqual(await codeOf(c.org.send(new DescribeOrganizationCommand({}))), [
    'UnrecognizedClientException',
    400,
  ]);
  assert.deepEqual(await codeOf(ebs(unknown).send(new ListSnapshotBlocksCommand({ SnapshotId: SNAP }))), [
    'UnrecognizedClientException',
    403,
  ]);
});

const ec2Form = (body: string): RawRequest => ({
  method: 'POST',
  url: '/',
  headers: { host: '', 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
  body,
});
const withHost = (r: RawRequest): RawRequest => ({ ...r, headers: { ...r.headers, host } });
const codeIn = (xmlOrJson: string) =>
  /<Code>([^<]+)<\/Code>/.exec(xmlOrJson)?.[1] ?? (JSON.parse(xmlOrJson) as { __type?: string }).__type;

test('a body or query changed after signing is refused; the untouched request passes', async () => {
  const form = 'Action=DescribeRegions&Version=2016-11-15';
  const signed = signRaw(withHost(ec2Form(form)), dev(), R, 'ec2');
  assert.equal((await sendRaw(sim.url, signed)).status, 200);
  // with x-amz-content-sha256 signed, the body no longer matches the hash
  const tampered = await sendRaw(sim.url, { ...signed, body: `${form}&AllRegions=true` });
  assert.deepEqual([tampered.status, codeIn(tampered.body)], [401, 'AuthFailure']);
  // without it, the body hash inside the canonical request differs
  const bare = signRaw(withHost(ec2Form(form)), dev(), R, 'ec2', { contentSha256: false });
  assert.equal((await sendRaw(sim.url, bare)).status, 200);
  assert.equal((await sendRaw(sim.url, { ...bare, body: `${form}&AllRegions=true` })).status, 401);
  // a signed header that went missing
  const dropped = { ...signed, headers: omit(signed.headers, 'x-amz-content-sha256') };
  assert.equal((await sendRaw(sim.url, dropped)).status, 401);

  const list: RawRequest = withHost({
    method: 'GET',
    url: `/snapshots/${SNAP}/blocks?maxResults=100`,
    headers: { host: '' },
    body: '',
  });
  const signedList = signRaw(list, dev(), R, 'ebs');
  assert.equal((await sendRaw(sim.url, signedList)).status, 200);
  const changed = await sendRaw(sim.url, { ...signedList, url: `/snapshots/${SNAP}/blocks?maxResults=200` });
  assert.equal(changed.status, 403);
  assert.equal(changed.headers['x-amzn-errortype'], 'InvalidSignatureException');
  assert.match(JSON.parse(changed.body).Message as string, /signature we calculated does not match/);
  // an encoded path signs double-encoded: the raw signer and the SDK agree with the simulator
  const encodedPath = signRaw(
    withHost({ method: 'GET', url: '/snapshots/snap-0aa%201%2Fx/blocks', headers: { host: '' }, body: '' }),
    dev(),
    R,
    'ebs',
  );
  const encodedReply = await sendRaw(sim.url, encodedPath);
  assert.deepEqual(
    [encodedReply.status, encodedReply.headers['x-amzn-errortype']],
    [400, 'ValidationException'],
  );
});

function omit(h: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(h).filter(([k]) => !names.includes(k)));
}

test('replaying a request with a signed header changed is refused; unsigned headers do not matter', async () => {
  const get: RawRequest = withHost({
    method: 'POST',
    url: '/',
    headers: {
      host: '',
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AmazonSSM.GetParameter',
    },
    body: JSON.stringify({ Name: '/nope' }),
  });
  const signed = signRaw(get, dev(), R, 'ssm');
  const first = await sendRaw(sim.url, signed);
  assert.deepEqual([first.status, codeIn(first.body)], [400, 'ParameterNotFound']);
  const replay = await sendRaw(sim.url, {
    ...signed,
    headers: { ...signed.headers, 'x-extra': 'not signed' },
  });
  assert.equal(codeIn(replay.body), 'ParameterNotFound');
  const retargeted = await sendRaw(sim.url, {
    ...signed,
    headers: { ...signed.headers, 'x-amz-target': 'AmazonSSM.GetParameters' },
  });
  assert.deepEqual([retargeted.status, codeIn(retargeted.body)], [400, 'InvalidSignatureException']);
  // another account's key in the scope with the same signature
  const other = signed.headers['authorization']!.replace(dev().accessKeyId, SIM_ROOT_CREDENTIALS.accessKeyId);
  const swapped = await sendRaw(sim.url, { ...signed, headers: { ...signed.headers, authorization: other } });
  assert.equal(codeIn(swapped.body), 'InvalidSignatureException');
});

test('missing or malformed Authorization: MissingAuthenticationToken / IncompleteSignature per protocol', async () => {
  const unsigned = await sendRaw(sim.url, withHost(ec2Form('Action=DescribeRegions&Version=2016-11-15')));
  assert.deepEqual([unsigned.status, codeIn(unsigned.body)], [401, 'MissingAuthenticationToken']);
  const ebsUnsigned = await sendRaw(
    sim.url,
    withHost({ method: 'GET', url: `/snapshots/${SNAP}/blocks`, headers: { host: '' }, body: '' }),
  );
  assert.deepEqual(
    [ebsUnsigned.status, ebsUnsigned.headers['x-amzn-errortype']],
    [403, 'MissingAuthenticationTokenException'],
  );
  const signed = signRaw(withHost(ec2Form('Action=GetCallerIdentity&Version=2011-06-15')), dev(), R, 'sts');
  const cut = signed.headers['authorization']!.replace(/, Signature=[0-9a-f]+/, '');
  const incomplete = await sendRaw(sim.url, {
    ...signed,
    headers: { ...signed.headers, authorization: cut },
  });
  assert.deepEqual([incomplete.status, codeIn(incomplete.body)], [400, 'IncompleteSignature']);
  assert.match(
    incomplete.body,
    /Authorization header requires &apos;Signature&apos; parameter|requires 'Signature'/,
  );
  const noDate = await sendRaw(sim.url, { ...signed, headers: omit(signed.headers, 'x-amz-date') });
  assert.equal(codeIn(noDate.body), 'IncompleteSignature');
});

test('a signing time more than 5 minutes off the wall clock is refused; the SDK corrects its clock and retries', async () => {
  const skewed = (offsetMs: number, maxAttempts: number) => ({
    ...sim.clientConfig(R, dev()),
    maxAttempts,
    systemClockOffset: offsetMs,
  });
  const late = await failure(new EC2Client(skewed(-10 * 60_000, 1)).send(new DescribeRegionsCommand({})));
  assert.deepEqual([late.name, late.status, late.message], ['RequestExpired', 400, 'Request has expired.']);
  const sts = await failure(new STSClient(skewed(-10 * 60_000, 1)).send(new GetCallerIdentityCommand({})));
  assert.deepEqual([sts.name, sts.status], ['SignatureDoesNotMatch', 403]);
  assert.match(
    sts.message,
    /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
  );
  const ahead = await failure(
    new KMSClient(skewed(+10 * 60_000, 1)).send(new DescribeKeyCommand({ KeyId: KEY })),
  );
  assert.deepEqual([ahead.name, ahead.status], ['InvalidSignatureException', 400]);
  assert.match(ahead.message, /^Signature not yet current: .* is still later than .* \+ 5 min\.\)$/);
  const rest = await failure(
    ebs(dev(), { systemClockOffset: -10 * 60_000 }).send(new ListSnapshotBlocksCommand({ SnapshotId: SNAP })),
  );
  assert.deepEqual([rest.name, rest.status], ['InvalidSignatureException', 403]);
  // The SDK takes the simulator's Date header (the wall clock) as its clock after a refusal:
  // a "Signature expired" InvalidSignatureException is retried at once with the corrected clock;
  // EC2's RequestExpired only when the SDK's own clock was the one off, so here the next call works.
  const kmsRetry = await new KMSClient(skewed(-10 * 60_000, 3)).send(new DescribeKeyCommand({ KeyId: KEY }));
  assert.equal(kmsRetry.$metadata.attempts, 2);
  const ec2 = new EC2Client(skewed(-10 * 60_000, 3));
  const once = await failure(ec2.send(new DescribeRegionsCommand({})));
  assert.deepEqual([once.name, once.attempts], ['RequestExpired', 1]);
  assert.equal((await ec2.send(new DescribeRegionsCommand({}))).$metadata.attempts, 1);
  // within 5 minutes is fine (a raw request signed 4 minutes ago)
  const form = withHost(ec2Form('Action=DescribeRegions&Version=2016-11-15'));
  assert.equal(
    (await sendRaw(sim.url, signRaw(form, dev(), R, 'ec2', { at: Date.now() - 4 * 60_000 }))).status,
    200,
  );
  assert.equal(
    (await sendRaw(sim.url, signRaw(form, dev(), R, 'ec2', { at: Date.now() - 6 * 60_000 }))).status,
    400,
  );
});

test('temporary keys: the issued session token only, and not once expired', async () => {
  const root = simClients(sim, R).sts;
  const assume = async (session: string) => {
    const r = await root.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${DEV}:role/OrganizationAccountAccessRole`,
        RoleSessionName: session,
      }),
    );
    return {
      accessKeyId: r.Credentials!.AccessKeyId!,
      secretAccessKey: r.Credentials!.SecretAccessKey!,
      sessionToken: r.Credentials!.SessionToken!,
    };
  };
  const a = await assume('sess-a');
  const b = await assume('sess-b');
  assert.equal((await simClients(sim, R, a).sts.send(new GetCallerIdentityCommand({}))).Account, DEV);
  // a's keys with b's token; the long-term keys with a token
  const crossed = simClients(sim, R, { ...a, sessionToken: b.sessionToken }, 3);
  assert.deepEqual(await failure(crossed.ec2.send(new DescribeRegionsCommand({}))), {
    name: 'AuthFailure',
    message: 'AWS was not able to validate the provided access credentials',
    status: 401,
    attempts: 1,
  });
  assert.deepEqual(await codeOf(crossed.sts.send(new GetCallerIdentityCommand({}))), [
    'InvalidClientTokenId',
    403,
  ]);
  assert.deepEqual(await codeOf(crossed.ssm.send(new GetParameterCommand({ Name: '/x' }))), [
    'UnrecognizedClientException',
    400,
  ]);
  const tokenOnLongTerm = simClients(sim, R, { ...dev(), sessionToken: a.sessionToken });
  assert.deepEqual(await codeOf(tokenOnLongTerm.sts.send(new GetCallerIdentityCommand({}))), [
    'InvalidClientTokenId',
    403,
  ]);
  // expiry follows the wall clock: move a's expiry into the past instead of waiting 15 minutes
  sim.state.keys.get(a.accessKeyId)!.expiresAt = Date.now() - 1000;
  const expired = simClients(sim, R, a, 3);
  const e = await failure(expired.ec2.send(new DescribeRegionsCommand({})));
  assert.deepEqual([e.name, e.status, e.attempts], ['RequestExpired', 400, 1]);
  const s = await failure(expired.sts.send(new GetCallerIdentityCommand({})));
  assert.deepEqual(
    [s.name, s.status, s.message],
    ['ExpiredToken', 403, 'The security token included in the request is expired'],
  );
  assert.deepEqual(await codeOf(expired.ssm.send(new GetParameterCommand({ Name: '/x' }))), [
    'ExpiredTokenException',
    400,
  ]);
  assert.deepEqual(await codeOf(ebs(a).send(new ListSnapshotBlocksCommand({ SnapshotId: SNAP }))), [
    'ExpiredTokenException',
    403,
  ]);
  // b, issued at the same time, still works
  assert.equal((await simClients(sim, R, b).sts.send(new GetCallerIdentityCommand({}))).Account, DEV);
});
