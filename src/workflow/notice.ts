import type { Violation } from './model.ts';

/** What a notice is about; templates word each kind differently. */
export type NoticeKind = 'notify' | 'escalate' | 'remediated' | 'resolved';

/** One violation as every template shows it. */
export interface NoticeItem {
  violationId: string;
  policy: string;
  group: string;
  imageId: string;
  imageName: string | null;
  accountId: string;
  region: string;
  owner: string | null;
  why: string;
  /** When the next step (escalation or remediation) happens, or null when none is planned. */
  deadline: string | null;
  /** What the next step will do ("escalate", "remediate: deregister"). */
  next: string | null;
  /** The dashboard page of the image. */
  link: string;
}

/** A message to one recipient: one violation, or a digest of several for the same owner. */
export interface Notice {
  kind: NoticeKind;
  /** The owner (or team) it is addressed to, for the greeting; null for escalation channels. */
  audience: string | null;
  items: NoticeItem[];
  /** Stable across retries: receivers use it to drop duplicates. */
  idempotencyKey: string;
}

export function dashboardLink(base: string, imageId: string): string {
  return `${base.replace(/\/+$/, '')}/images/${encodeURIComponent(imageId)}`;
}

export function noticeItem(
  v: Violation,
  base: string,
  deadline: string | null,
  next: string | null,
): NoticeItem {
  const name = v.details.imageName;
  return {
    violationId: v.id,
    policy: v.policy,
    group: v.group,
    imageId: v.resourceId,
    imageName: typeof name === 'string' ? name : null,
    accountId: v.accountId,
    region: v.region,
    owner: v.owner,
    why: v.why,
    deadline,
    next,
    link: dashboardLink(base, v.resourceId),
  };
}

export function headline(n: Notice): string {
  const count = n.items.length;
  const one = n.items[0];
  const what = count === 1 && one ? `${one.imageId} (${one.policy})` : `${count} images`;
  switch (n.kind) {
    case 'notify':
      return `amiwarden: ${what} ${count === 1 ? 'needs' : 'need'} attention`;
    case 'escalate':
      return `amiwarden: escalated: ${what} still ${count === 1 ? 'violates' : 'violate'} policy`;
    case 'remediated':
      return `amiwarden: remediated ${what}`;
    case 'resolved':
      return `amiwarden: resolved ${what}`;
  }
}

/** Deadlines read as dates in UTC; a time of day would suggest precision the ticks do not have. */
export function showDate(iso: string | null): string {
  return iso === null ? 'none' : iso.slice(0, 10);
}
