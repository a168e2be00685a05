import type { Kysely } from 'kysely';
import type { PolicyTables } from '../policy/store-audit.ts';
import type { Database } from '../store/schema.ts';
import type { Finding, Observation } from './model.ts';
import { ownerFromTags } from './routing.ts';

export interface Intake {
  observations: Observation[];
  /** Marks the requests taken, once the tick that used them has finished. */
  markTaken(): Promise<void>;
}

/**
 * Notification requests that `amiwarden run` recorded (the `notify` action, or an action a
 * notify-mode group capped) become findings, so a run followed by a tick without `-p` still
 * opens violations. Resolution needs a full evaluation, so these observations resolve nothing.
 */
export async function takeNotificationRequests(
  store: Kysely<Database>,
  ownerTags?: readonly string[],
): Promise<Intake> {
  const db = store.withTables<PolicyTables>();
  const rows = await db
    .selectFrom('policy_notifications')
    .selectAll()
    .where('status', '=', 'pending')
    .execute();
  const byKey = new Map<string, Observation>();
  for (const r of rows) {
    const payload = JSON.parse(r.payload) as Record<string, unknown>;
    const img = await db
      .selectFrom('images')
      .select(['tags', 'name'])
      .where('image_id', '=', r.resource_id)
      .executeTakeFirst();
    const tags: Record<string, string> = {};
    for (const t of JSON.parse(img?.tags ?? '[]') as { Key?: string; Value?: string }[])
      if (t.Key) tags[t.Key] = t.Value ?? '';
    const desc = payload.violation_desc ?? payload.subject;
    const f: Finding = {
      policy: r.policy,
      group: r.group_name,
      accountId: r.account_id,
      region: r.region,
      resourceId: r.resource_id,
      owner: ownerFromTags(tags, ownerTags),
      why: typeof desc === 'string' && desc.trim() !== '' ? desc.trim() : `matches policy ${r.policy}`,
      action: typeof payload.wouldRun === 'string' ? payload.wouldRun : null,
      details: { imageName: img?.name ?? null, tags },
    };
    const key = `${r.policy}\0${r.group_name}`;
    const obs: Observation = byKey.get(key) ?? {
      policy: r.policy,
      group: r.group_name,
      at: r.time,
      findings: [],
      partial: true,
    };
    // One image can have several requests in a run (notify, and actions a notify-mode group capped).
    const same = obs.findings.find((x) => x.resourceId === f.resourceId);
    if (!same) obs.findings.push(f);
    else {
      same.action ??= f.action;
      if (same.why.startsWith('matches policy ')) same.why = f.why;
    }
    if (r.time > obs.at) obs.at = r.time;
    byKey.set(key, obs);
  }
  return {
    observations: [...byKey.values()],
    async markTaken() {
      for (const r of rows)
        await db
          .updateTable('policy_notifications')
          .set({ status: 'taken' })
          .where('run_id', '=', r.run_id)
          .where('policy', '=', r.policy)
          .where('resource_id', '=', r.resource_id)
          .where('action', '=', r.action)
          .where('status', '=', 'pending')
          .execute();
    },
  };
}
