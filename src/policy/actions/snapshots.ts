import type { ActionContext } from './define.ts';
import type { PolicyImage } from '../resource.ts';
import { snapshotIds } from '../resource.ts';

/** Deletes the snapshots of a just-deregistered image that no other image, in any state, still holds. */
export async function deleteFreeSnapshots(img: PolicyImage, ctx: ActionContext): Promise<void> {
  for (const snap of snapshotIds(img.resource)) {
    const holders = ctx.inventory.snapshotHolders(snap, img);
    if (holders.length > 0) {
      const names = holders.map((h) => `${h.resource.ImageId} (${h.resource.State})`).join(', ');
      await ctx.record('delete-snapshot', snap, {
        outcome: 'skipped',
        reason: `still referenced by ${names}`,
      });
      continue;
    }
    try {
      await ctx.effects.deleteSnapshot(snap);
      await ctx.record('delete-snapshot', snap, {
        outcome: 'done',
        reason: `snapshot of ${img.resource.ImageId}`,
      });
    } catch (err) {
      await ctx.record('delete-snapshot', snap, { outcome: 'failed', reason: (err as Error).message });
    }
  }
}

/** Why deregistration must wait: protection on, or its cooldown not over. */
export function protectionBlocker(img: PolicyImage, now: Date): string | undefined {
  const p = img.resource.DeregistrationProtection;
  if (!p || p === 'disabled') return undefined;
  if (p.startsWith('disabled-until-')) {
    const until = Date.parse(p.slice('disabled-until-'.length));
    if (!Number.isNaN(until) && until > now.getTime())
      return `deregistration protection cooldown until ${p.slice(15)}`;
    return undefined;
  }
  return `deregistration protection is ${p}`;
}
