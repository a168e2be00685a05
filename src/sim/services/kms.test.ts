import '../../aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EBSClient, ListSnapshotBlocksCommand } from '@aws-sdk/client-ebs';
import {
  CreateGrantCommand,
  DecryptCommand,
  DescribeKeyCommand,
  GenerateDataKeyCommand,
  GenerateDataKeyWithoutPlaintextCommand,
  KMSClient,
} from '@aws-sdk/client-kms';
import { isAmwError } from '../../errors.ts';
import { credentialsOf, parseSeedText, startSimulator } from '../index.ts';
import type { EstateSeed, RunningSimulator } from '../index.ts';
import { buildEstate } from '../state/from-seed.ts';

const OWNER = '730000000001';
const POLICY = '730000000002';
const GRANTEE = '730000000003';
const STRANGER = '730000000004';
const SHARED = '11111111-0000-4000-8000-000000000001';
const DISABLED = '11111111-0000-4000-8000-000000000002';
const DELETING = '11111111-0000-4000-8000-000000000003';
const arn = (id: string, region = 'us-east-1', account = OWNER) =>
  `arn:aws:kms:${region}:${account}:key/${id}`;
const IMPLICIT = arn('22222222-0000-4000-8000-000000000009');

let sim: RunningSimulator;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'amw-kms-'));
  const disk = join(dir, 'disk.raw');
  await writeFile(disk, Buffer.alloc(1024 * 1024, 7));
  const snapshot = (id: string, key: string) => ({
    id,
    size: 1,
    created: 'now-1d',
    content: disk,
    kmsKeyId: key,
    sharedWith: [POLICY, GRANTEE, STRANGER],
  });
  const seed: EstateSeed = {
    now: '2026-11-01T00:00:00Z',
    regions: ['us-east-1', 'eu-west-1'],
    accounts: [
      {
        id: OWNER,
        name: 'owner',
        regions: {
          'us-east-1': {
            kmsKeys: [
              {
                id: SHARED,
                description: 'AMI key',
                policyAccounts: [POLICY],
                grants: [{ grantee: GRANTEE, operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext'] }],
              },
              { id: DISABLED, state: 'Disabled', policyAccounts: [POLICY] },
              { id: DELETING, state: 'PendingDeletion', policyAccounts: [POLICY] },
            ],
            snapshots: [
              snapshot('snap-07300000000000001', arn(SHARED)),
              snapshot('snap-07300000000000002', arn(DISABLED)),
              snapshot('snap-07300000000000003', IMPLICIT),
            ],
          },
        },
      },
      { id: POLICY, name: 'policy' },
      { id: GRANTEE, name: 'grantee' },
      { id: STRANGER, name: 'stranger' },
    ],
  };
  sim = await startSimulator({ seed });
});
after(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const kms = (account: string, region = 'us-east-1') =>
  new KMSClient({ ...sim.clientConfig(region, credentialsOf(sim.state, account)), maxAttempts: 1 });
const ebs = (account: string) =>
  new EBSClient({ ...sim.clientConfig('us-east-1', credentialsOf(sim.state, account)), maxAttempts: 1 });

/** The error a call rejects with: code, HTTP status and (EBS) reason. */
async function failure(
  p: Promise<unknown>,
): Promise<{ name: string; status?: number; reason?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as {
      name: string;
      message: string;
      Reason?: string;
      $metadata?: { httpStatusCode?: number };
    };
    return { name: e.name, status: e.$metadata?.httpStatusCode, reason: e.Reason, message: e.message };
  }
  throw new Error('expected the call to fail');
}

const dryRunKey = (account: string, keyId: string) =>
  failure(
    kms(account).send(
      new GenerateDataKeyWithoutPlaintextCommand({ KeyId: keyId, KeySpec: 'AES_256', DryRun: true }),
    ),
  );

test('DescribeKey: by id in the owner account, by ARN from an account the key policy names; metadata as KMS gives it', async () => {
  const own = await kms(OWNER).send(new DescribeKeyCommand({ KeyId: SHARED }));
  assert.equal(own.KeyMetadata?.Arn, arn(SHARED));
  assert.equal(own.KeyMetadata?.AWSAccountId, OWNER);
  assert.equal(own.KeyMetadata?.KeyState, 'Enabled');
  assert.equal(own.KeyMetadata?.Enabled, true);
  assert.equal(own.KeyMetadata?.KeyManager, 'CUSTOMER');
  assert.equal(own.KeyMetadata?.Description, 'AMI key');
  assert.ok(own.KeyMetadata?.CreationDate instanceof Date);
  const viaPolicy = await kms(POLICY).send(new DescribeKeyCommand({ KeyId: arn(DISABLED) }));
  assert.deepEqual([viaPolicy.KeyMetadata?.KeyState, viaPolicy.KeyMetadata?.Enabled], ['Disabled', false]);
  const deleting = await kms(OWNER).send(new DescribeKeyCommand({ KeyId: DELETING }));
  assert.equal(deleting.KeyMetadata?.KeyState, 'PendingDeletion');
  assert.equal(deleting.KeyMetadata?.DeletionDate?.toISOString(), '2026-12-01T00:00:00.000Z');
});

test('DescribeKey refusals: no policy or grant for DescribeKey, a bare id of another account, another region, unknown', async () => {
  // The grant allows Decrypt and GenerateDataKeyWithoutPlaintext, not DescribeKey.
  const denied = await failure(kms(GRANTEE).send(new DescribeKeyCommand({ KeyId: arn(SHARED) })));
  assert.deepEqual([denied.name, denied.status], ['AccessDeniedException', 400]);
  assert.match(
    denied.message,
    new RegExp(`not authorized to perform: kms:DescribeKey on resource: ${arn(SHARED)}`),
  );
  for (const [account, keyId, region] of [
    [POLICY, SHARED, 'us-east-1'],
    [OWNER, arn(SHARED), 'eu-west-1'],
    [OWNER, arn('99999999-0000-4000-8000-000000000000'), 'us-east-1'],
    [OWNER, 'alias/aws/ebs', 'us-east-1'],
  ] as const) {
    const e = await failure(kms(account, region).send(new DescribeKeyCommand({ KeyId: keyId })));
    assert.deepEqual([e.name, e.status], ['NotFoundException', 404], `${account} ${keyId} ${region}`);
  }
  const missing = await failure(kms(OWNER).send(new DescribeKeyCommand({ KeyId: undefined })));
  assert.equal(missing.name, 'ValidationException');
});

test('DryRun: DryRunOperationException when allowed; AccessDenied, Disabled, KMSInvalidState otherwise', async () => {
  assert.deepEqual(
    [(await dryRunKey(OWNER, SHARED)).name, (await dryRunKey(OWNER, SHARED)).status],
    ['DryRunOperationException', 412],
  );
  assert.equal((await dryRunKey(POLICY, arn(SHARED))).name, 'DryRunOperationException');
  assert.equal((await dryRunKey(GRANTEE, arn(SHARED))).name, 'DryRunOperationException');
  const stranger = await dryRunKey(STRANGER, arn(SHARED));
  assert.deepEqual([stranger.name, stranger.status], ['AccessDeniedException', 400]);
  assert.match(stranger.message, /kms:GenerateDataKeyWithoutPlaintext/);
  const disabled = await dryRunKey(POLICY, arn(DISABLED));
  assert.deepEqual([disabled.name, disabled.status], ['DisabledException', 409]);
  assert.equal((await dryRunKey(POLICY, arn(DELETING))).name, 'KMSInvalidStateException');
  // A stranger learns nothing about the key's state: permission is checked first.
  assert.equal((await dryRunKey(STRANGER, arn(DISABLED))).name, 'AccessDeniedException');
  // The grant does not include GenerateDataKey.
  const notGranted = await failure(
    kms(GRANTEE).send(new GenerateDataKeyCommand({ KeyId: arn(SHARED), KeySpec: 'AES_256', DryRun: true })),
  );
  assert.equal(notGranted.name, 'AccessDeniedException');
});

test('GenerateDataKey and Decrypt round-trip; a tampered blob is InvalidCiphertextException; a grantee decrypts', async () => {
  const made = await kms(OWNER).send(new GenerateDataKeyCommand({ KeyId: SHARED, NumberOfBytes: 24 }));
  assert.equal(made.KeyId, arn(SHARED));
  assert.equal(made.Plaintext?.length, 24);
  const blob = made.CiphertextBlob!;
  assert.ok(!Buffer.from(blob).includes(Buffer.from(made.Plaintext!)), 'the data key is not in the clear');
  const back = await kms(GRANTEE).send(new DecryptCommand({ CiphertextBlob: blob }));
  assert.deepEqual(Buffer.from(back.Plaintext!), Buffer.from(made.Plaintext!));
  assert.equal(
    (await failure(kms(GRANTEE).send(new DecryptCommand({ CiphertextBlob: blob, DryRun: true })))).name,
    'DryRunOperationException',
  );
  assert.equal(
    (await failure(kms(STRANGER).send(new DecryptCommand({ CiphertextBlob: blob })))).name,
    'AccessDeniedException',
  );
  const tampered = Buffer.from(blob);
  tampered[tampered.length - 1]! ^= 1;
  assert.equal(
    (await failure(kms(OWNER).send(new DecryptCommand({ CiphertextBlob: tampered })))).name,
    'InvalidCiphertextException',
  );
  const noSpec = await failure(
    kms(OWNER).send(new GenerateDataKeyWithoutPlaintextCommand({ KeyId: SHARED })),
  );
  assert.equal(noSpec.name, 'ValidationException');
});

test('EBS direct: an encrypted snapshot needs the right to decrypt with its key (DEPENDENCY_ACCESS_DENIED otherwise)', async () => {
  const list = (account: string, snap: string) =>
    ebs(account).send(new ListSnapshotBlocksCommand({ SnapshotId: snap }));
  for (const account of [OWNER, POLICY, GRANTEE]) {
    const r = await list(account, 'snap-07300000000000001');
    assert.deepEqual(
      r.Blocks?.map((b) => b.BlockIndex),
      [0, 1],
      account,
    );
  }
  const denied = await failure(list(STRANGER, 'snap-07300000000000001'));
  assert.deepEqual(
    [denied.name, denied.status, denied.reason],
    ['AccessDeniedException', 403, 'DEPENDENCY_ACCESS_DENIED'],
  );
  const disabled = await failure(list(POLICY, 'snap-07300000000000002'));
  assert.deepEqual([disabled.name, disabled.reason], ['AccessDeniedException', 'DEPENDENCY_ACCESS_DENIED']);
  assert.match(disabled.message, /is disabled/);
  // A key a snapshot names without a declaration exists with the default policy: its owner only.
  assert.equal((await list(OWNER, 'snap-07300000000000003')).Blocks?.length, 2);
  assert.equal((await failure(list(POLICY, 'snap-07300000000000003'))).reason, 'DEPENDENCY_ACCESS_DENIED');
  const implicit = await kms(OWNER).send(new DescribeKeyCommand({ KeyId: IMPLICIT }));
  assert.equal(implicit.KeyMetadata?.KeyState, 'Enabled');
});

test('CreateGrant: the owner grants another account, which may then read the snapshot; DryRun changes nothing', async () => {
  const implicitSnap = 'snap-07300000000000003';
  const grant = {
    KeyId: IMPLICIT,
    GranteePrincipal: `arn:aws:iam::${STRANGER}:root`,
    Operations: ['Decrypt' as const],
  };
  assert.equal(
    (await failure(kms(OWNER).send(new CreateGrantCommand({ ...grant, DryRun: true })))).name,
    'DryRunOperationException',
  );
  assert.equal(
    (await failure(ebs(STRANGER).send(new ListSnapshotBlocksCommand({ SnapshotId: implicitSnap })))).reason,
    'DEPENDENCY_ACCESS_DENIED',
  );
  const made = await kms(OWNER).send(new CreateGrantCommand(grant));
  assert.match(made.GrantId ?? '', /^[0-9a-f]{64}$/);
  const r = await ebs(STRANGER).send(new ListSnapshotBlocksCommand({ SnapshotId: implicitSnap }));
  assert.equal(r.Blocks?.length, 2);
  // The stranger has no CreateGrant right of its own.
  const again = await failure(
    kms(STRANGER).send(new CreateGrantCommand({ ...grant, GranteePrincipal: `arn:aws:iam::${POLICY}:root` })),
  );
  assert.equal(again.name, 'AccessDeniedException');
});

test('faults reach KMS like every service', async () => {
  sim.setFaults({ throttleRate: 1 });
  const t = await failure(kms(OWNER).send(new DescribeKeyCommand({ KeyId: SHARED })));
  sim.setFaults({ failActions: ['kms:DescribeKey'] });
  const f = await failure(kms(OWNER).send(new DescribeKeyCommand({ KeyId: SHARED })));
  sim.setFaults({});
  assert.deepEqual([t.name, t.status], ['ThrottlingException', 400]);
  assert.equal(f.status, 500);
  const counts = sim.callCounts();
  assert.ok((counts['kms:DescribeKey'] ?? 0) >= 2);
});

test('seed: an AWS managed key cannot be shared; key ids are unique', () => {
  const base = (keys: unknown[]) =>
    parseSeedText(
      JSON.stringify({
        now: '2026-11-01T00:00:00Z',
        regions: ['us-east-1'],
        accounts: [{ id: OWNER, name: 'o', regions: { 'us-east-1': { kmsKeys: keys } } }],
      }),
      'seed.yml',
    ).seed;
  const issue = (keys: unknown[]) => {
    try {
      buildEstate(base(keys));
    } catch (err) {
      return (err as Error).message;
    }
    return 'built';
  };
  assert.match(
    issue([{ id: SHARED, manager: 'AWS', policyAccounts: [POLICY] }]),
    /AWS managed key cannot be shared/,
  );
  assert.match(issue([{ id: SHARED }, { id: SHARED }]), /duplicate KMS key id/);
  assert.equal(issue([{ id: SHARED, manager: 'AWS' }]), 'built');
  assert.throws(
    () => base([{ id: SHARED, grants: [{ grantee: POLICY, operations: ['Sign'] }] }]),
    (err: unknown) => isAmwError(err) && err.code === 'AMW_SEED_INVALID',
  );
});
