import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Notice, NoticeItem } from '../notice.ts';
import { renderEmail } from './email.ts';
import { jiraComment, jiraDescription, jiraSummary } from './jira.ts';
import { renderSlack } from './slack.ts';
import { renderWebhook } from './webhook.ts';

function item(n: number, over: Partial<NoticeItem> = {}): NoticeItem {
  return {
    violationId: `v-${n}`,
    policy: 'public-images',
    group: 'prod',
    imageId: `ami-${String(n).padStart(8, '0')}`,
    imageName: null,
    accountId: '222222222222',
    region: 'us-east-1',
    owner: null,
    why: 'shared with <everyone>',
    deadline: null,
    next: null,
    link: `https://d.example/images/ami-${n}`,
    ...over,
  };
}

test('a Slack digest stays under Block Kit limits and points to the dashboard for the rest', () => {
  const n: Notice = {
    kind: 'escalate',
    audience: null,
    items: Array.from({ length: 45 }, (_, i) => item(i)),
    idempotencyKey: 'k',
  };
  const out = renderSlack(n);
  assert.ok(out.blocks.length <= 50, `${out.blocks.length} blocks`);
  assert.equal(out.text, 'amiwarden: escalated: 45 images still violate policy');
  assert.match(JSON.stringify(out.blocks), /…and 25 more on the dashboard/);
  assert.match(JSON.stringify(out.blocks), /\*Owner:\*\\nunknown/);
});

test('e-mail: HTML escapes every user-controlled text, text part keeps it readable', () => {
  const n: Notice = {
    kind: 'resolved',
    audience: 'team <b>',
    items: [item(1, { imageName: '<script>x</script>' })],
    idempotencyKey: 'k2',
  };
  const m = renderEmail(n);
  assert.equal(m.subject, 'amiwarden: resolved ami-00000001 (public-images)');
  assert.ok(!m.html.includes('<script>'));
  assert.match(m.html, /&lt;script&gt;x&lt;\/script&gt;/);
  assert.match(m.html, /Hello team &lt;b&gt;,/);
  assert.match(m.text, /why: shared with <everyone> \[policy public-images, group prod\]/);
  assert.match(m.text, /deadline: none/);
  assert.match(m.text, /no longer break the policy/);
});

test('webhook and Jira bodies carry the same facts', () => {
  const i = item(7, { deadline: '2026-12-01T00:00:00.000Z', next: 'remediate: unshare', owner: 'team-a' });
  const w = renderWebhook(
    { kind: 'notify', audience: 'team-a', items: [i], idempotencyKey: 'k3' },
    '2026-11-01T00:00:00.000Z',
  );
  assert.equal(w.type, 'violation.notify');
  assert.deepEqual((w.violations as Record<string, unknown>[])[0]?.next, 'remediate: unshare');
  assert.equal(jiraSummary(i), '[amiwarden] ami-00000007 violates public-images (222222222222/us-east-1)');
  const d = JSON.stringify(jiraDescription(i));
  for (const fact of [
    '222222222222',
    'us-east-1',
    'team-a',
    'shared with <everyone>',
    '2026-12-01 (remediate: unshare)',
    i.link,
  ])
    assert.ok(d.includes(fact), fact);
  assert.match(
    JSON.stringify(jiraComment('remediated', i)),
    /Remediated: amiwarden ran the policy's action on ami-00000007/,
  );
});
