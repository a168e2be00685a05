// Credentials the simulator refuses, as AWS would, reach the operator as one plain line naming the
// key or role (never the secret), whether the caller's own keys or a member role's session fail.
import '../../src/aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ModifyImageAttributeCommand } from '@aws-sdk/client-ec2';
import { CallCounter } from '../../src/aws/clients.ts';
import { runCli } from '../../src/cli/testing.ts';
import { callerAccount } from '../../src/aws/accounts.ts';
import { wrapAwsError } from '../../src/aws/errors.ts';
import { planCollection, runCollection } from '../../src/collect/runner.ts';
import { AmwError } from '../../src/errors.ts';
import { SIM_ROOT_CREDENTIALS, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { simClients } from '../../src/sim/testing.ts';
import { STORE_TARGETS } from '../../src/store/testing.ts';
import { DEV, INVENTORY_SEED, PROD } from './harness.ts';

let sim: RunningSimulator;
before(async () => {
  sim = await startSimulator({ seed: INVENTORY_SEED });
});
after(async () => {
  await sim.close();
});

async function refusal(p: Promise<unknown>): Promise<AmwError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof AmwError, String(err));
    return err;
  }
  return assert.fail('expected a refusal');
}

test('a wrong secret: one line naming the access key and the reason, without the secret', async () => {
  const secret = 'a-wrong-secret-value';
  const e = await refusal(
    callerAccount(
      {
        endpoint: sim.url,
        credentials: { accessKeyId: SIM_ROOT_CREDENTIALS.accessKeyId, secretAccessKey: secret },
      },
      'us-east-1',
    ),
  );
  assert.equal(e.code, 'AMW_AWS_CREDENTIALS');
  assert.equal(
    e.message,
    `checking the credentials (sts:GetCallerIdentity): AWS refused the credentials (access key ${SIM_ROOT_CREDENTIALS.accessKeyId}): the secret access key does not match the access key id [SignatureDoesNotMatch]`,
  );
  assert.ok(!e.message.includes(secret));
});

test('an unknown key and a skewed clock say so; a permission AuthFailure is not a credentials problem', async () => {
  const unknown = await refusal(
    callerAccount(
      { endpoint: sim.url, credentials: { accessKeyId: 'AKIANOSUCHKEY0000000', secretAccessKey: 'x' } },
      'us-east-1',
    ),
  );
  assert.match(unknown.message, /\(access key AKIANOSUCHKEY0000000\): the access key id is not known/);
  const kms = new KMSClient({
    ...sim.clientConfig('us-east-1'),
    maxAttempts: 1,
    systemClockOffset: -20 * 60_000,
  });
  const skew = await kms.send(new DescribeKeyCommand({ KeyId: 'x' })).catch((err: unknown) => err);
  const skewed = wrapAwsError(skew, 'describing a key', undefined, { accessKeyId: 'AKIASIMROOT000000000' });
  assert.equal(skewed.code, 'AMW_AWS_CREDENTIALS');
  assert.match(
    skewed.message,
    /the system clock is more than 5 minutes off AWS’s clock \[InvalidSignatureException\]$/,
  );
  // EC2's AuthFailure for another account's image is a refusal of the action, not of the keys
  const notMine = await simClients(sim, 'us-east-1', PROD)
    .ec2.send(
      new ModifyImageAttributeCommand({ ImageId: 'ami-0b0000000000000a2', Description: { Value: 'x' } }),
    )
    .catch((err: unknown) => err);
  assert.equal((notMine as { name: string }).name, 'AuthFailure');
  const mapped = wrapAwsError(notMine, 'describing an image');
  assert.equal(mapped.code, 'AMW_AWS_CALL_FAILED');
  assert.match(mapped.message, /^describing an image: AuthFailure: /);
});

test('a member role whose session expires mid-run: the failed scopes name the role and the expiry', async () => {
  const target = await (STORE_TARGETS[0] as (typeof STORE_TARGETS)[number]).fresh();
  try {
    const plan = await planCollection({
      access: {
        endpoint: sim.url,
        credentials: { ...SIM_ROOT_CREDENTIALS },
        counter: new CallCounter(),
        maxAttempts: 2,
      },
      homeRegion: 'us-east-1',
      accounts: [DEV],
      organizations: false,
      roleName: 'OrganizationAccountAccessRole',
      regions: ['us-east-1', 'eu-west-1'],
    });
    // After the first scope the simulator's clock passes the session's expiry; the collector's
    // cached credentials still look fresh to it, as when a host sleeps through an expiry.
    let done = 0;
    const progress = {
      start() {},
      finish() {},
      scopeDone() {
        if (++done !== 1) return;
        for (const entry of sim.state.keys.values()) if (entry.sessionToken) entry.expiresAt = Date.now() - 1;
      },
    };
    const result = await runCollection(target.store, plan, { concurrency: 1, progress });
    assert.deepEqual(
      result.scopes.map((s) => [s.region, s.ok]),
      [
        ['us-east-1', true],
        ['eu-west-1', false],
      ],
    );
    const failed = result.scopes[1]!;
    assert.equal(failed.errorCode, 'AMW_AWS_CREDENTIALS');
    assert.match(
      failed.error!,
      new RegExp(
        `^collecting ${DEV}/eu-west-1: AWS refused the credentials \\(role arn:aws:iam::${DEV}:role/OrganizationAccountAccessRole\\): the session token has expired`,
      ),
    );
  } finally {
    await target.dispose();
  }
});

test('`amiwarden collect` with a wrong secret prints one line that names the key and not the secret', async () => {
  const target = await (STORE_TARGETS[0] as (typeof STORE_TARGETS)[number]).fresh();
  await target.store.close();
  try {
    const secret = 'definitely-not-the-root-secret';
    const r = await runCli(['collect', '--endpoint', sim.url, '--db', target.target, '--organizations'], {
      AWS_ACCESS_KEY_ID: SIM_ROOT_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: secret,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    assert.notEqual(r.code, 0);
    assert.equal(
      r.stderr,
      `amiwarden: error: AMW_AWS_CREDENTIALS: checking the credentials (sts:GetCallerIdentity): AWS refused the credentials (access key ${SIM_ROOT_CREDENTIALS.accessKeyId}, from the environment): the secret access key does not match the access key id [SignatureDoesNotMatch]\n`,
    );
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  } finally {
    await target.dispose();
  }
});
