import { headline, showDate } from '../notice.ts';
import type { Notice, NoticeItem } from '../notice.ts';

/** Slack Block Kit payload for an incoming webhook: a header, then one section per image. */
export function renderSlack(n: Notice): { text: string; blocks: unknown[] } {
  const title = headline(n);
  const blocks: unknown[] = [{ type: 'header', text: { type: 'plain_text', text: title.slice(0, 150) } }];
  if (n.audience) blocks.push(context(`For *${esc(n.audience)}*`));
  // Slack refuses messages over 50 blocks; a digest that long links the rest to the dashboard.
  const shown = n.items.slice(0, 20);
  for (const item of shown) blocks.push(section(item), { type: 'divider' });
  if (n.items.length > shown.length)
    blocks.push(context(`…and ${n.items.length - shown.length} more on the dashboard`));
  blocks.push(context(`idempotency-key: ${n.idempotencyKey}`));
  return { text: title, blocks };
}

function section(i: NoticeItem): unknown {
  const lines = [
    `*<${i.link}|${esc(i.imageId)}>*${i.imageName ? ` ${esc(i.imageName)}` : ''}`,
    `*Why:* ${esc(i.why)}`,
    `*Policy:* ${esc(i.policy)} (${esc(i.group)})`,
  ];
  if (i.deadline) lines.push(`*Deadline:* ${showDate(i.deadline)}${i.next ? ` (${esc(i.next)})` : ''}`);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: lines.join('\n') },
    fields: [
      { type: 'mrkdwn', text: `*Account:*\n${esc(i.accountId)}` },
      { type: 'mrkdwn', text: `*Region:*\n${esc(i.region)}` },
      { type: 'mrkdwn', text: `*Owner:*\n${esc(i.owner ?? 'unknown')}` },
    ],
  };
}

function context(text: string): unknown {
  return { type: 'context', elements: [{ type: 'mrkdwn', text }] };
}

// Slack mrkdwn needs only these three escaped.
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
