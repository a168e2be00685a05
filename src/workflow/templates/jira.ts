import { showDate } from '../notice.ts';
import type { NoticeItem } from '../notice.ts';

/** Atlassian Document Format, the body type of Jira REST v3 descriptions and comments. */
export interface AdfDoc {
  type: 'doc';
  version: 1;
  content: unknown[];
}

function para(...parts: unknown[]): unknown {
  return { type: 'paragraph', content: parts };
}
function txt(text: string, strong = false): unknown {
  return strong ? { type: 'text', text, marks: [{ type: 'strong' }] } : { type: 'text', text };
}
function link(text: string, href: string): unknown {
  return { type: 'text', text, marks: [{ type: 'link', attrs: { href } }] };
}

export function jiraSummary(i: NoticeItem): string {
  return `[amiwarden] ${i.imageId} violates ${i.policy} (${i.accountId}/${i.region})`.slice(0, 250);
}

export function jiraDescription(i: NoticeItem): AdfDoc {
  const row = (k: string, v: string) => para(txt(`${k}: `, true), txt(v));
  return {
    type: 'doc',
    version: 1,
    content: [
      para(txt('Image '), link(i.imageId, i.link), txt(i.imageName ? ` (${i.imageName})` : '')),
      row('Account', i.accountId),
      row('Region', i.region),
      row('Owner', i.owner ?? 'unknown'),
      row('Why', i.why),
      row('Policy', `${i.policy} (group ${i.group})`),
      row('Deadline', `${showDate(i.deadline)}${i.next ? ` (${i.next})` : ''}`),
    ],
  };
}

export function jiraComment(kind: 'escalate' | 'remediated' | 'resolved', i: NoticeItem): AdfDoc {
  const words = {
    escalate: `Escalated: the owner was notified and ${i.imageId} still violates ${i.policy}. Deadline ${showDate(i.deadline)}${i.next ? ` (${i.next})` : ''}.`,
    remediated: `Remediated: amiwarden ran the policy's action on ${i.imageId}.`,
    resolved: `Resolved: ${i.imageId} no longer violates ${i.policy} (fixed or removed).`,
  }[kind];
  return { type: 'doc', version: 1, content: [para(txt(words), txt(' '), link('dashboard', i.link))] };
}
