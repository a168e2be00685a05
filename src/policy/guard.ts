import type { Inventory } from './inventory.ts';
import type { PolicyImage } from './resource.ts';
import { describeRef, liveUsage } from './filters/usage.ts';

/**
 * Why an image must be treated as in use: live references anywhere in the collected
 * organisation, plus grants to principals the inventory cannot see into (their usage is unknown).
 * Last-launched time plays no part: "not launched lately" is not "unused".
 */
export function usageBlockers(img: PolicyImage, inventory: Inventory): string[] {
  const reasons = liveUsage(img).map((r) => `in use by ${describeRef(r)}`);
  if (img.launchPermissions === undefined) {
    reasons.push('launch permissions unknown (possibly in use)');
    return reasons;
  }
  for (const p of img.launchPermissions) {
    if (p.Group === 'all') reasons.push('public: possibly in use by any account');
    else if (p.UserId && !inventory.accounts.has(p.UserId))
      reasons.push(`shared with account ${p.UserId} outside the inventory (possibly in use)`);
    else if (p.OrganizationArn)
      reasons.push(`shared with organization ${p.OrganizationArn} (possibly in use)`);
    else if (p.OrganizationalUnitArn)
      reasons.push(`shared with organizational unit ${p.OrganizationalUnitArn} (possibly in use)`);
  }
  if (img.resource.Public === true && !reasons.some((r) => r.startsWith('public')))
    reasons.push('public: possibly in use by any account');
  return reasons;
}
