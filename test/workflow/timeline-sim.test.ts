// The whole timeline against the estate simulator, through the real CLI with an injected
// clock (--now): open -> notified -> escalated -> remediated, a fix that resolves and closes
// its ticket, and a guardrail that keeps an image in use. Expectations come from
// test/fixtures/workflow/estate.yml.
import '../../src/aws/sdk-node-warning.ts';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { credentialsOf } from '../../src/sim/index.ts';
import { openStore } from '../../src/store/db.ts';
import { workflowStore } from '../../src/workflow/store/open.ts';
import { requireViolation, transitionsOf, violationId } from '../../src/workflow/store/violations.ts';
import { stepsOf } from '../../src/workflow/reports.ts';
import { runCli } from '../../src/cli/testing.ts';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { startJira } from './jira-receiver.ts';
import type { JiraReceiver } from './jira-receiver.ts';
import { startHttpReceiver, startSmtp } from './receivers.ts';
import type { HttpReceiver, SmtpReceiver } from './receivers.ts';

const FIX = new URL('../fixtures/workflow/', import.meta.url).pathname;
const DEV = '300000000002';
const [A1, A2, A3] = ['ami-0f00000000000f001', 'ami-0f00000000000f002', 'ami-0f00000000000f003'];
const vid = (image: string) => violationId('expired-images', DEV, 'us-east-1', image);

let config: string;
let teamA: HttpReceiver;
let security: HttpReceiver;
let smtp: SmtpReceiver;
let jira: JiraReceiver;

const tick = (now: string) =>
  estate.cli(
    'workflow',
    'tick',
    '-p',
    join(FIX, 'expired-images.yml'),
    ...estate.targetArgs,
    '--config',
    config,
    '--now',
    now,
    '--quiet',
  );

async function setup(): Promise<void> {
  [teamA, security, smtp, jira] = await Promise.all([
    startHttpReceiver(),
    startHttpReceiver(),
    startSmtp(),
    startJira(`Basic ${Buffer.from('bot@example.com:timeline-jira-token').toString('base64')}`),
  ]);
  process.env.AMW_TL_SLACK_TEAM_A = `${teamA.url}/hooks/team-a`;
  process.env.AMW_TL_SLACK_SECURITY = `${security.url}/hooks/security`;
  const tokenFile = estate.write('jira-token', 'timeline-jira-token\n');
  config = estate.write(
    'amiwarden.yml',
    `groups:
  dev:
    mode: enforce
    accounts: ['${DEV}']
workflow:
  dashboard_url: https://amiwarden.example.com
  routes:
    team-a: { slack: [team-a] }
  fallback: { email: [cloud-owners@example.com] }
  channels:
    email: { host: 127.0.0.1, port: ${smtp.port}, from: amiwarden@example.com }
    slack:
      webhooks:
        team-a: { env: AMW_TL_SLACK_TEAM_A }
        security: { env: AMW_TL_SLACK_SECURITY }
    jira: { url: '${jira.url}', project: SEC, user: bot@example.com, token: { file: '${tokenFile}' } }
  retry: { attempts: 3, base_ms: 10, max_ms: 50 }
  workflows:
    - name: default
      steps:
        - { id: notify-owner, day: 0, do: notify }
        - { id: escalate, day: 7, do: escalate, to: { slack: [security] }, ticket: true }
        - { id: remediate, day: 14, do: remediate }
`,
  );
}

const estate = withCollectedEstate(join(FIX, 'estate.yml'), { setup });

after(async () => {
  await Promise.all([teamA.close(), security.close(), smtp.close(), jira.close()]);
});

async function violation(image: string) {
  const store = await openStore(estate.db);
  try {
    const wdb = await workflowStore(store);
    const v = await requireViolation(wdb, vid(image));
    return { v, moves: await transitionsOf(wdb, v.id), steps: await stepsOf(wdb, v) };
  } finally {
    await store.close();
  }
}

test('from open to remediated against the simulator, one message per step', async () => {
  // Day 0, five ticks: each owner hears once.
  for (let i = 0; i < 5; i++) assert.equal(await tick(`2026-11-01T10:0${i}:00Z`), 0);
  assert.equal(teamA.accepted.length, 1, 'team-a gets one digest');
  const digest = JSON.stringify(JSON.parse(teamA.accepted[0]!.body));
  assert.ok(digest.includes(A1) && digest.includes(A2) && !digest.includes(A3));
  assert.match(digest, /tagged lifecycle=expired; rebuild or retire it/);
  assert.match(digest, /https:\/\/amiwarden\.example\.com\/images\/ami-0f00000000000f001/);
  assert.equal(smtp.mails.length, 1, 'team-b has no route: the fallback address hears once');
  assert.match(smtp.mails[0]!.raw, /ami-0f00000000000f003/);
  assert.equal((await violation(A1)).v.state, 'notified');

  // Day 7: escalation to security with one Jira ticket per violation.
  for (let i = 0; i < 5; i++) assert.equal(await tick(`2026-11-08T10:0${i}:00Z`), 0);
  assert.equal(security.accepted.length, 1);
  assert.equal(jira.issues.length, 3);
  assert.ok(jira.issues.every((i) => i.comments.length === 1 && i.status === 'To Do'));

  // Day 9: the owner fixes ami-...002 in AWS; after the next collection its violation resolves.
  const ec2 = new EC2Client(estate.sim.clientConfig('us-east-1', credentialsOf(estate.sim.state, DEV)));
  await ec2.send(new CreateTagsCommand({ Resources: [A2], Tags: [{ Key: 'lifecycle', Value: 'current' }] }));
  ec2.destroy();
  await estate.collect();
  assert.equal(await tick('2026-11-10T10:00:00Z'), 0);
  assert.equal((await violation(A2)).v.state, 'resolved');
  const t2 = jira.issues.find((i) => i.fields.labels.some((l) => l.startsWith(`amiwarden-${vid(A2)}`)))!;
  assert.equal(t2.status, 'Done', 'the fixed image closes its ticket');

  // Day 14: remediation runs the policy's deregister through the engine's guardrails.
  estate.sim.resetCallCounts();
  for (let i = 0; i < 5; i++) await tick(`2026-11-15T10:0${i}:00Z`);
  assert.equal(
    estate.sim.callCounts()['ec2:DeregisterImage'],
    1,
    'deregistered once, and only the unused image',
  );
  const gone = estate.sim.state.images.get(A1);
  assert.ok(gone === undefined || gone.state === 'deregistered', `ami 1 is ${gone?.state}`);
  assert.notEqual(estate.sim.state.images.get(A3)?.state, 'deregistered');
  const a1 = await violation(A1);
  assert.equal(a1.v.state, 'remediated');
  assert.deepEqual(
    a1.moves.map((m) => `${m.from ?? '-'}>${m.to}@${m.at.slice(0, 10)}`),
    [
      '->open@2026-11-01',
      'open>notified@2026-11-01',
      'notified>escalated@2026-11-08',
      'escalated>remediated@2026-11-15',
    ],
  );
  const t1 = jira.issues.find((i) => i.fields.labels.some((l) => l.startsWith(`amiwarden-${vid(A1)}`)))!;
  assert.equal(t1.status, 'Done');

  const a3 = await violation(A3);
  assert.equal(a3.v.state, 'escalated', 'an image in use is never remediated');
  const rem = a3.steps.find((s) => s.step_id === 'remediate')!;
  assert.equal(rem.outcome, 'skipped');
  assert.match(rem.detail ?? '', /i-0f00000000000f003/);
  assert.equal(
    teamA.accepted.length + security.accepted.length + smtp.mails.length,
    3,
    'no message beyond one per step',
  );
});

test('violations lists them and waive records who, why and until when', async () => {
  const listed = await runCli(['violations', '--db', estate.db, '-f', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const all = JSON.parse(listed.stdout) as { resourceId: string; state: string }[];
  assert.deepEqual(all.map((v) => [v.resourceId, v.state]).sort(), [
    [A1, 'remediated'],
    [A2, 'resolved'],
    [A3, 'escalated'],
  ]);
  const waived = await runCli([
    'waive',
    A3,
    '--db',
    estate.db,
    '--reason',
    'vendor image, replacement in Q1',
    '--who',
    'bob',
    '--expires',
    '30d',
    '--now',
    '2026-11-16T00:00:00Z',
  ]);
  assert.equal(waived.code, 0, waived.stderr);
  assert.match(waived.stdout, /waived by bob until 2026-12-16T00:00:00.000Z/);
  assert.equal(
    (await runCli(['waive', A3, '--db', estate.db, '--reason', 'x'])).code,
    2,
    '--expires is required',
  );
  const a3 = await violation(A3);
  assert.equal(a3.v.state, 'waived');
  assert.deepEqual(a3.moves.at(-1), {
    violationId: vid(A3),
    seq: a3.moves.length,
    from: 'escalated',
    to: 'waived',
    at: '2026-11-16T00:00:00.000Z',
    reason: 'waived by bob until 2026-12-16T00:00:00.000Z: vendor image, replacement in Q1',
    actor: 'bob',
  });
});
