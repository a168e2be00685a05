import '../../aws/sdk-node-warning.ts';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
  paginateDescribeAutoScalingGroups,
} from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand, DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { GetParameterCommand, GetParametersCommand } from '@aws-sdk/client-ssm';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { SIM_ROOT_CREDENTIALS, accountCredentials, startSimulator } from '../index.ts';
import type { RunningSimulator } from '../index.ts';
import { awsError, simClients } from '../testing.ts';

const SEED = new URL('../../../test/fixtures/seeds/small.yml', import.meta.url).pathname;
const MGMT = '100000000001';
const DEV = '100000000002';
const PROD = '100000000003';
let sim: RunningSimulator;

before(async () => {
  sim = await startSimulator({ seed: SEED });
});
after(() => sim.close());

test('STS: root credentials act as the management account; AssumeRole into a member returns keys acting there', async () => {
  const { sts } = simClients(sim, 'us-east-1');
  const me = await sts.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Account, MGMT);
  const r = await sts.send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${DEV}:role/OrganizationAccountAccessRole`,
      RoleSessionName: 'amiwarden',
    }),
  );
  const creds = {
    accessKeyId: r.Credentials!.AccessKeyId!,
    secretAccessKey: r.Credentials!.SecretAccessKey!,
    sessionToken: r.Credentials!.SessionToken!,
  };
  assert.ok(r.Credentials!.Expiration!.getTime() > Date.now());
  const as = simClients(sim, 'eu-west-1', creds);
  const who = await as.sts.send(new GetCallerIdentityCommand({}));
  assert.equal(who.Account, DEV);
  assert.equal(who.Arn, `arn:aws:sts::${DEV}:assumed-role/OrganizationAccountAccessRole/amiwarden`);
  const imgs = await as.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
  assert.deepEqual(
    imgs.Images!.map((i) => i.ImageId),
    ['ami-0d000000000000101'],
  );
  // the session keys without their token are refused
  const noToken = simClients(sim, 'us-east-1', {
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
  });
  assert.equal((await awsError(noToken.ec2.send(new DescribeRegionsCommand({})))).name, 'AuthFailure');
});

test('STS: AssumeRole refused without trust, for unknown roles and bad durations', async () => {
  const devSts = simClients(sim, 'us-east-1', DEV).sts;
  const denied = await awsError(
    devSts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
        RoleSessionName: 's1',
      }),
    ),
  );
  assert.deepEqual([denied.name, denied.status], ['AccessDenied', 403]);
  const root = simClients(sim, 'us-east-1').sts;
  assert.equal(
    (
      await awsError(
        root.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${DEV}:role/Nope`, RoleSessionName: 's1' })),
      )
    ).name,
    'AccessDenied',
  );
  assert.equal(
    (
      await awsError(
        root.send(
          new AssumeRoleCommand({
            RoleArn: `arn:aws:iam::${DEV}:role/OrganizationAccountAccessRole`,
            RoleSessionName: 's1',
            DurationSeconds: 60,
          }),
        ),
      )
    ).name,
    'ValidationError',
  );
});

test('unknown keys get each protocol’s own error; a region the estate lacks answers like a disabled region', async () => {
  const bad = simClients(sim, 'us-east-1', { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' });
  const ec2Err = await awsError(bad.ec2.send(new DescribeRegionsCommand({})));
  assert.deepEqual([ec2Err.name, ec2Err.status], ['AuthFailure', 401]);
  assert.equal((await awsError(bad.sts.send(new GetCallerIdentityCommand({})))).name, 'InvalidClientTokenId');
  assert.equal(
    (await awsError(bad.asg.send(new DescribeAutoScalingGroupsCommand({})))).name,
    'InvalidClientTokenId',
  );
  assert.equal(
    (await awsError(bad.ssm.send(new GetParameterCommand({ Name: 'x' })))).name,
    'UnrecognizedClientException',
  );
  const elsewhere = simClients(sim, 'ap-southeast-2', DEV);
  assert.equal(
    (await awsError(elsewhere.ec2.send(new DescribeImagesCommand({ Owners: ['self'] })))).name,
    'AuthFailure',
  );
  assert.equal(
    (await awsError(elsewhere.sts.send(new GetCallerIdentityCommand({})))).name,
    'RegionDisabledException',
  );
  // derived credentials are what accountCredentials() says
  const derived = new EC2Client({
    ...sim.clientConfig('us-east-1', accountCredentials(PROD)),
    maxAttempts: 1,
  });
  assert.equal((await derived.send(new DescribeRegionsCommand({}))).Regions!.length, 2);
});

test('Auto Scaling: launch template and launch configuration groups, member lists and paging', async () => {
  const dev = simClients(sim, 'us-east-1', DEV).asg;
  const g = (await dev.send(new DescribeAutoScalingGroupsCommand({}))).AutoScalingGroups!;
  assert.deepEqual(
    g.map((x) => [
      x.AutoScalingGroupName,
      x.LaunchTemplate?.LaunchTemplateId,
      x.LaunchTemplate?.LaunchTemplateName,
      x.LaunchTemplate?.Version,
      x.DesiredCapacity,
    ]),
    [['dev-web-asg', 'lt-0d000000000000001', 'dev-web', '$Latest', 0]],
  );
  const prod = simClients(sim, 'us-east-1', PROD).asg;
  const p = (
    await prod.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['prod-legacy-asg'] }))
  ).AutoScalingGroups!;
  assert.equal(p[0]!.LaunchConfigurationName, 'prod-legacy-lc');
  const lcs = (await prod.send(new DescribeLaunchConfigurationsCommand({}))).LaunchConfigurations!;
  assert.deepEqual(
    lcs.map((l) => [l.LaunchConfigurationName, l.ImageId]),
    [['prod-legacy-lc', 'ami-0e000000000000001']],
  );
  assert.deepEqual(
    (await prod.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [] }))).AutoScalingGroups!
      .length,
    1,
  );
  let pages = 0;
  for await (const _ of paginateDescribeAutoScalingGroups({ client: prod, pageSize: 1 }, {})) pages++;
  assert.equal(pages, 1);
  assert.equal(
    (await awsError(prod.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })))).name,
    'ValidationError',
  );
});

test('SSM: account parameters, public /aws/service parameters, versions, not found', async () => {
  const ssm = simClients(sim, 'us-east-1', DEV).ssm;
  const p = await ssm.send(new GetParameterCommand({ Name: '/dev/web/ami' }));
  assert.equal(p.Parameter?.Value, 'ami-0d000000000000002');
  assert.equal(p.Parameter?.DataType, 'aws:ec2:image');
  const pub = await ssm.send(
    new GetParameterCommand({
      Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    }),
  );
  assert.equal(pub.Parameter?.Value, 'ami-0a000000000000001');
  assert.equal((await ssm.send(new GetParameterCommand({ Name: '/dev/web/ami:1' }))).Parameter?.Version, 1);
  assert.equal(
    (await awsError(ssm.send(new GetParameterCommand({ Name: '/nope' })))).name,
    'ParameterNotFound',
  );
  const many = await ssm.send(new GetParametersCommand({ Names: ['/dev/web/ami', '/nope'] }));
  assert.deepEqual([many.Parameters!.length, many.InvalidParameters], [1, ['/nope']]);
});

test('Organizations: accounts (with an empty first page), roots, OUs, parents; members are refused', async () => {
  const org = simClients(sim, 'us-east-1').org;
  const first = await org.send(new ListAccountsCommand({}));
  assert.deepEqual(first.Accounts, []);
  assert.ok(first.NextToken);
  const ids: string[] = [];
  for await (const page of paginateListAccounts({ client: org, pageSize: 2 }, {}))
    ids.push(...page.Accounts!.map((a) => a.Id!));
  assert.deepEqual(ids, [MGMT, DEV, PROD], 'the Amazon publisher account is not a member');
  const roots = [];
  let token: string | undefined;
  do {
    const r = await org.send(new ListRootsCommand({ NextToken: token }));
    roots.push(...r.Roots!);
    token = r.NextToken;
  } while (token);
  assert.equal(roots[0]!.Id, 'r-sm01');
  const ous = await org.send(
    new ListOrganizationalUnitsForParentCommand({
      ParentId: 'r-sm01',
      NextToken: (await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: 'r-sm01' })))
        .NextToken,
    }),
  );
  assert.deepEqual(
    ous.OrganizationalUnits!.map((o) => [o.Id, o.Arn]),
    [['ou-sm01-workload', 'arn:aws:organizations::100000000001:ou/o-smallorg01/ou-sm01-workload']],
  );
  const parents = await org.send(
    new ListParentsCommand({
      ChildId: DEV,
      NextToken: (await org.send(new ListParentsCommand({ ChildId: DEV }))).NextToken,
    }),
  );
  assert.deepEqual(parents.Parents, [{ Id: 'ou-sm01-workload', Type: 'ORGANIZATIONAL_UNIT' }]);
  const devOrg = simClients(sim, 'us-east-1', DEV).org;
  assert.equal((await awsError(devOrg.send(new ListAccountsCommand({})))).name, 'AccessDeniedException');
  assert.equal((await devOrg.send(new DescribeOrganizationCommand({}))).Organization?.MasterAccountId, MGMT);
  assert.equal(SIM_ROOT_CREDENTIALS.accessKeyId.startsWith('AKIA'), true);
});

test('call counts are kept per service and action', async () => {
  sim.resetCallCounts();
  const { ec2, sts } = simClients(sim, 'us-east-1');
  await ec2.send(new DescribeRegionsCommand({}));
  await ec2.send(new DescribeRegionsCommand({}));
  await sts.send(new GetCallerIdentityCommand({}));
  assert.deepEqual(sim.callCounts(), { 'ec2:DescribeRegions': 2, 'sts:GetCallerIdentity': 1 });
});
