import type { Notice } from '../notice.ts';

/** The generic webhook body: a versioned JSON document receivers can rely on. */
export function renderWebhook(n: Notice, sentAt: string): Record<string, unknown> {
  return {
    version: 1,
    type: `violation.${n.kind}`,
    idempotency_key: n.idempotencyKey,
    sent_at: sentAt,
    audience: n.audience,
    violations: n.items.map((i) => ({
      id: i.violationId,
      policy: i.policy,
      group: i.group,
      image_id: i.imageId,
      image_name: i.imageName,
      account_id: i.accountId,
      region: i.region,
      owner: i.owner,
      why: i.why,
      deadline: i.deadline,
      next: i.next,
      link: i.link,
    })),
  };
}
