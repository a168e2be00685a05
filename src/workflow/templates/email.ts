import { headline, showDate } from '../notice.ts';
import type { Notice, NoticeItem } from '../notice.ts';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** One e-mail per notice, HTML and plain text with the same facts. */
export function renderEmail(n: Notice): RenderedEmail {
  const subject = headline(n);
  const intro = n.audience ? `Hello ${n.audience},` : 'Hello,';
  const lead = leadSentence(n);
  const text = [
    intro,
    '',
    lead,
    '',
    ...n.items.flatMap((i) => [...textItem(i), '']),
    `Reference: ${n.idempotencyKey}`,
  ].join('\n');
  const rows = n.items.map(htmlItem).join('\n');
  const html = `<!doctype html>
<html><body style="font-family:sans-serif">
<p>${h(intro)}</p>
<p>${h(lead)}</p>
<table border="1" cellpadding="4" cellspacing="0">
<tr><th>Image</th><th>Account</th><th>Region</th><th>Owner</th><th>Why</th><th>Deadline</th></tr>
${rows}
</table>
<p style="color:#666">Reference: ${h(n.idempotencyKey)}</p>
</body></html>`;
  return { subject, text, html };
}

function leadSentence(n: Notice): string {
  switch (n.kind) {
    case 'notify':
      return 'These images break a policy. Fix them, or ask for a waiver, before the deadline.';
    case 'escalate':
      return 'These images were reported to their owners and still break a policy.';
    case 'remediated':
      return 'These images were remediated automatically after their deadline passed.';
    case 'resolved':
      return 'These images no longer break the policy; nothing more will happen.';
  }
}

function textItem(i: NoticeItem): string[] {
  return [
    `* ${i.imageId}${i.imageName ? ` (${i.imageName})` : ''}`,
    `  account ${i.accountId}, region ${i.region}, owner ${i.owner ?? 'unknown'}`,
    `  why: ${i.why} [policy ${i.policy}, group ${i.group}]`,
    `  deadline: ${showDate(i.deadline)}${i.next ? ` (${i.next})` : ''}`,
    `  ${i.link}`,
  ];
}

function htmlItem(i: NoticeItem): string {
  const name = i.imageName ? `<br><small>${h(i.imageName)}</small>` : '';
  return `<tr><td><a href="${h(i.link)}">${h(i.imageId)}</a>${name}</td><td>${h(i.accountId)}</td><td>${h(i.region)}</td><td>${h(i.owner ?? 'unknown')}</td><td>${h(i.why)}<br><small>${h(i.policy)} / ${h(i.group)}</small></td><td>${h(showDate(i.deadline))}${i.next ? `<br><small>${h(i.next)}</small>` : ''}</td></tr>`;
}

function h(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
