// Each channel against a real loopback receiver: what arrived on the wire is what we assert.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ManualClock } from '../../src/workflow/clock.ts';
import { parseWorkflowConfig } from '../../src/workflow/config.ts';
import { Dispatcher, withRetry } from '../../src/workflow/delivery.ts';
import { JiraClient } from '../../src/workflow/channels/jira.ts';
import type { Notice } from '../../src/workflow/notice.ts';
import { jiraComment, jiraDescription, jiraSummary } from '../../src/workflow/templates/jira.ts';
import { startHttpReceiver, startSmtp } from './receivers.ts';
import type { HttpReceiver, SmtpReceiver } from './receivers.ts';
import { startJira } from './jira-receiver.ts';
import type { JiraReceiver } from './jira-receiver.ts';

const item = {
  violationId: 'v-0123456789abcdef',
  policy: 'old-images',
  group: 'dev',
  imageId: 'ami-0abc1234def567890',
  imageName: 'web-<2026>',
  accountId: '111111111111',
  region: 'eu-west-1',
  owner: 'team-a',
  why: 'older than 30 days & unused',
  deadline: '2026-11-08T09:00:00.000Z',
  next: 'escalate',
  link: 'https://amiwarden.example.com/images/ami-0abc1234def567890',
};
const notice: Notice = {
  kind: 'notify',
  audience: 'team-a',
  items: [item],
  idempotencyKey: 'notify:slack:team-a:abc',
};
const SLACK_SECRET_PATH = '/services/T000/B000/XXXXsecretXXXX';

let slack: HttpReceiver;
let hook: HttpReceiver;
let smtp: SmtpReceiver;
let jira: JiraReceiver;
let env: NodeJS.ProcessEnv;

before(async () => {
  slack = await startHttpReceiver();
  hook = await startHttpReceiver();
  smtp = await startSmtp({ user: 'amiwarden', password: 'smtp-pass-123' });
  jira = await startJira(`Basic ${Buffer.from('bot@example.com:jira-token-xyz').toString('base64')}`);
  env = {
    SLACK_TEAM_A: `${slack.url}${SLACK_SECRET_PATH}`,
    HOOK_URL: `${hook.url}/amiwarden`,
    HOOK_SECRET: 'hmac-shared-secret',
    SMTP_PASSWORD: 'smtp-pass-123',
    JIRA_TOKEN: 'jira-token-xyz',
  };
});
after(async () => {
  await Promise.all([slack.close(), hook.close(), smtp.close(), jira.close()]);
});

function config() {
  return parseWorkflowConfig({
    channels: {
      email: {
        host: '127.0.0.1',
        port: smtp.port,
        from: 'amiwarden@example.com',
        user: 'amiwarden',
        password: { env: 'SMTP_PASSWORD' },
      },
      slack: { webhooks: { 'team-a': { env: 'SLACK_TEAM_A' } } },
      webhook: { endpoints: { siem: { url: { env: 'HOOK_URL' }, secret: { env: 'HOOK_SECRET' } } } },
      jira: { url: jira.url, project: 'SEC', user: 'bot@example.com', token: { env: 'JIRA_TOKEN' } },
    },
    workflows: [{ name: 'w', steps: [{ id: 'n', day: 0, do: 'notify' }] }],
  });
}

test('Slack gets Block Kit with every fact of the template', async () => {
  const d = new Dispatcher(config(), new ManualClock('2026-11-01T09:00:00Z'), env);
  await d.send({ channel: 'slack', to: 'team-a' }, notice);
  const got = slack.accepted.at(-1)!;
  assert.equal(got.path, SLACK_SECRET_PATH);
  assert.equal(got.headers['idempotency-key'], notice.idempotencyKey);
  const body = JSON.parse(got.body) as {
    text: string;
    blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
  };
  assert.match(body.text, /ami-0abc1234def567890 \(old-images\) needs attention/);
  assert.equal(body.blocks[0]!.type, 'header');
  const section = body.blocks.find((b) => b.type === 'section')!;
  assert.match(
    section.text!.text,
    /<https:\/\/amiwarden\.example\.com\/images\/ami-0abc1234def567890\|ami-0abc1234def567890>/,
  );
  assert.match(section.text!.text, /web-&lt;2026&gt;/, 'mrkdwn is escaped');
  assert.match(section.text!.text, /\*Why:\* older than 30 days &amp; unused/);
  assert.match(section.text!.text, /\*Deadline:\* 2026-11-08 \(escalate\)/);
  assert.deepEqual(
    section.fields!.map((f) => f.text),
    ['*Account:*\n111111111111', '*Region:*\neu-west-1', '*Owner:*\nteam-a'],
  );
});

test('the webhook body is signed with HMAC-SHA256 over the exact bytes', async () => {
  const d = new Dispatcher(config(), new ManualClock('2026-11-01T09:00:00Z'), env);
  await d.send({ channel: 'webhook', to: 'siem' }, { ...notice, idempotencyKey: 'k-webhook' });
  const got = hook.accepted.at(-1)!;
  const expected = `sha256=${createHmac('sha256', 'hmac-shared-secret').update(got.body).digest('hex')}`;
  assert.equal(got.headers['x-amiwarden-signature'], expected);
  assert.equal(got.headers['idempotency-key'], 'k-webhook');
  const body = JSON.parse(got.body) as Record<string, unknown> & { violations: Record<string, unknown>[] };
  assert.equal(body.type, 'violation.notify');
  assert.equal(body.sent_at, '2026-11-01T09:00:00.000Z');
  assert.deepEqual(body.violations[0], {
    id: item.violationId,
    policy: 'old-images',
    group: 'dev',
    image_id: item.imageId,
    image_name: item.imageName,
    account_id: '111111111111',
    region: 'eu-west-1',
    owner: 'team-a',
    why: item.why,
    deadline: item.deadline,
    next: 'escalate',
    link: item.link,
  });
});

test('e-mail goes through a real SMTP server with AUTH, as HTML and text', async () => {
  const d = new Dispatcher(config(), new ManualClock('2026-11-01T09:00:00Z'), env);
  await d.send({ channel: 'email', to: 'team-a@example.com' }, { ...notice, idempotencyKey: 'k-mail' });
  const mail = smtp.mails.at(-1)!;
  assert.equal(mail.user, 'amiwarden');
  assert.equal(mail.from, 'amiwarden@example.com');
  assert.deepEqual(mail.to, ['team-a@example.com']);
  const raw = mail.raw.replace(/=\r?\n/g, '');
  assert.match(raw, /^Subject: amiwarden: ami-0abc1234def567890 \(old-images\) needs attention/m);
  assert.match(raw, /^X-Amiwarden-Idempotency-Key: k-mail/m);
  assert.match(raw, /Content-Type: text\/plain/);
  assert.match(raw, /Content-Type: text\/html/);
  assert.match(raw, /account 111111111111, region eu-west-1, owner team-a/);
  assert.match(raw, /deadline: 2026-11-08 \(escalate\)/);
  assert.match(raw, /web-&lt;2026&gt;/, 'HTML part escapes the image name');
});

test('a failing SMTP relay is retried and the mail arrives once', async () => {
  const d = new Dispatcher(config(), new ManualClock('2026-11-01T09:00:00Z'), env);
  const before = smtp.mails.length;
  smtp.failNext(2);
  const r = await withRetry(
    { attempts: 4, baseMs: 10, maxMs: 100 },
    new ManualClock('2026-11-01T09:00:00Z'),
    () => d.send({ channel: 'email', to: 'x@example.com' }, { ...notice, idempotencyKey: 'k-mail-retry' }),
  );
  assert.deepEqual(r, { ok: true, attempts: 3 });
  assert.equal(smtp.mails.length - before, 1);
});

test('a Slack receiver that fails three times then recovers gets exactly one message', async () => {
  const clock = new ManualClock('2026-11-01T09:00:00Z');
  const d = new Dispatcher(config(), clock, env);
  const acceptedBefore = slack.accepted.length;
  const requestsBefore = slack.requests.length;
  slack.failNext(3);
  const r = await withRetry({ attempts: 5, baseMs: 1000, maxMs: 60_000 }, clock, () =>
    d.send({ channel: 'slack', to: 'team-a' }, { ...notice, idempotencyKey: 'k-flaky' }),
  );
  assert.deepEqual(r, { ok: true, attempts: 4 });
  assert.equal(slack.requests.length - requestsBefore, 4);
  assert.equal(slack.accepted.length - acceptedBefore, 1);
  assert.deepEqual(clock.sleeps, [1000, 2000, 4000]);
});

test('delivery errors never carry the secret webhook URL', async () => {
  const d = new Dispatcher(config(), new ManualClock('2026-11-01T09:00:00Z'), env);
  slack.failNext(1, 404);
  await assert.rejects(d.send({ channel: 'slack', to: 'team-a' }, notice), (e: Error) => {
    assert.match(e.message, /slack team-a: HTTP 404/);
    assert.ok(!e.message.includes('XXXXsecretXXXX'));
    return true;
  });
  const gone = await startHttpReceiver();
  await gone.close();
  const closed = new Dispatcher(config(), new ManualClock('2026-11-01T09:00:00Z'), {
    ...env,
    SLACK_TEAM_A: `${gone.url}/hooks/XXXXsecretXXXX`,
  });
  await assert.rejects(closed.send({ channel: 'slack', to: 'team-a' }, notice), (e: Error) => {
    assert.match(e.message, /slack team-a: request failed \(ECONNREFUSED\)/);
    assert.ok(!e.message.includes('XXXXsecretXXXX'));
    return true;
  });
});

test('Jira: one issue per label, comments once per key, closing twice is harmless', async () => {
  const client = new JiraClient(
    { url: jira.url, project: 'SEC', user: 'bot@example.com', token: { env: 'JIRA_TOKEN' } },
    'jira-token-xyz',
  );
  const k1 = await client.ensureIssue('amiwarden-v-1-c1', jiraSummary(item), jiraDescription(item));
  const k2 = await client.ensureIssue('amiwarden-v-1-c1', jiraSummary(item), jiraDescription(item));
  assert.equal(k1, k2);
  assert.equal(jira.issues.filter((i) => i.fields.labels.includes('amiwarden-v-1-c1')).length, 1);
  const issue = jira.issues.find((i) => i.key === k1)!;
  assert.equal(issue.fields.project.key, 'SEC');
  assert.equal(issue.fields.issuetype.name, 'Task');
  assert.match(issue.fields.summary, /ami-0abc1234def567890 violates old-images \(111111111111\/eu-west-1\)/);
  assert.match(JSON.stringify(issue.fields.description), /older than 30 days & unused/);
  await client.comment(k1, jiraComment('escalate', item), 'v-1:1:escalate:jira');
  await client.comment(k1, jiraComment('escalate', item), 'v-1:1:escalate:jira');
  assert.equal(issue.comments.length, 1);
  await client.close(k1);
  assert.equal(issue.status, 'Done');
  const calls = jira.calls.length;
  await client.close(k1);
  assert.deepEqual(
    jira.calls.slice(calls),
    [`GET /rest/api/3/issue/${k1}`],
    'already done: only the status is read',
  );
});

test('Jira rejects a wrong token with a non-retryable error that does not quote it', async () => {
  const client = new JiraClient(
    { url: jira.url, project: 'SEC', user: 'bot@example.com', token: { env: 'X' } },
    'wrong-token',
  );
  await assert.rejects(client.findByLabel('x'), (e: Error & { retryable?: boolean }) => {
    assert.match(e.message, /jira search: HTTP 401/);
    assert.equal(e.retryable, false);
    assert.ok(!e.message.includes('wrong-token'));
    return true;
  });
});
