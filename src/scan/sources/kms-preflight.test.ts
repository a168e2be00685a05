import '../../aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KMSClient } from '@aws-sdk/client-kms';
import { credentialsOf, startSimulator } from '../../sim/index.ts';
import type { EstateSeed, RunningSimulator } from '../../sim/index.ts';
import { snapshotKeyProblem } from './kms-preflight.ts';

const READER = '740000000001';
const OWNER = '740000000002';
const GRANTED = '44444444-0000-4000-8000-000000000001';
const GRANTED_DECRYPT_ONLY = '44444444-0000-4000-8000-000000000002';
const arn = (id: string, account = OWNER) => `arn:aws:kms:us-east-1:${account}:key/${id}`;
const OWN = arn('44444444-0000-4000-8000-000000000003', READER);

let sim: RunningSimulator;
let kms: KMSClient;

before(async () => {
  const seed: EstateSeed = {
    now: '2026-11-01T00:00:00Z',
    regions: ['us-east-1'],
    accounts: [
      {
        id: READER,
        name: 'reader',
        regions: {
          'us-east-1': {
            snapshots: [{ id: 'snap-07400000000000001', size: 1, created: 'now', kmsKeyId: OWN }],
          },
        },
      },
      {
        id: OWNER,
        name: 'owner',
        regions: {
          'us-east-1': {
            kmsKeys: [
              {
                id: GRANTED,
                grants: [{ grantee: READER, operations: ['Decrypt', 'GenerateDataKeyWithoutPlaintext'] }],
              },
              { id: GRANTED_DECRYPT_ONLY, grants: [{ grantee: READER, operations: ['Decrypt'] }] },
            ],
          },
        },
      },
    ],
  };
  sim = await startSimulator({ seed });
  kms = new KMSClient({ ...sim.clientConfig('us-east-1', credentialsOf(sim.state, READER)), maxAttempts: 1 });
});
after(async () => {
  kms.destroy();
  await sim.close();
});

test('a key granted to the reader is usable even though DescribeKey is refused; our own key too', async () => {
  sim.resetCallCounts();
  assert.equal(await snapshotKeyProblem('snap-1', arn(GRANTED), { accountId: READER, kms }), undefined);
  assert.equal(await snapshotKeyProblem('snap-1', OWN, { accountId: READER, kms }), undefined);
  assert.deepEqual(sim.callCounts(), { 'kms:DescribeKey': 2, 'kms:GenerateDataKeyWithoutPlaintext': 2 });
});

test('a grant of Decrypt alone fails the dry run: refused, conservatively, with the key and both accounts named', async () => {
  const p = await snapshotKeyProblem('snap-1', arn(GRANTED_DECRYPT_ONLY), { accountId: READER, kms });
  assert.match(
    p?.reason ?? '',
    new RegExp(
      `snapshot snap-1 is encrypted with KMS key ${arn(GRANTED_DECRYPT_ONLY)} of account ${OWNER}: no KMS decrypt right for account ${READER}`,
    ),
  );
  assert.equal((p?.cause as { name?: string }).name, 'AccessDeniedException');
});

test('without a KMS client only our own key counts; an encrypted snapshot without a key ARN is refused', async () => {
  assert.equal(await snapshotKeyProblem('snap-1', OWN, { accountId: READER }), undefined);
  assert.match(
    (await snapshotKeyProblem('snap-1', arn(GRANTED), { accountId: READER }))?.reason ?? '',
    /no KMS client to check that account 740000000001 may decrypt with it/,
  );
  assert.match(
    (await snapshotKeyProblem('snap-1', undefined, { accountId: READER, kms }))?.reason ?? '',
    /encrypted but names no KMS key ARN/,
  );
});

test('throttling and server errors are errors, never a verdict', async () => {
  sim.setFaults({ throttleRate: 1 });
  await assert.rejects(snapshotKeyProblem('snap-1', arn(GRANTED), { accountId: READER, kms }), {
    name: 'ThrottlingException',
  });
  sim.setFaults({ failActions: ['kms:GenerateDataKeyWithoutPlaintext'] });
  await assert.rejects(
    snapshotKeyProblem('snap-1', arn(GRANTED), { accountId: READER, kms }),
    (err: unknown) => {
      assert.equal((err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, 500);
      return true;
    },
  );
  sim.setFaults({});
});
