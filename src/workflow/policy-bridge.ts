import { randomUUID } from 'node:crypto';
import { MemoryAudit } from '../policy/audit.ts';
import type { AuditRow, AuditSink, NotificationRequest } from '../policy/audit.ts';
import type { CompiledPolicy } from '../policy/compile.ts';
import type { EffectsFor } from '../policy/effects.ts';
import { runPolicy } from '../policy/executor.ts';
import type { Inventory } from '../policy/inventory.ts';
import { AmwError } from '../errors.ts';
import type { Finding, Observation } from './model.ts';
import type { Remediator } from './remediate.ts';
import { ownerFromTags } from './routing.ts';

/**
 * The hand-off between the policy engine and the workflow. Matching is the engine's (a dry
 * run: no action, no notification record), and so is remediation: the policy's own actions
 * run for the one image, with the group's mode and every guardrail of the engine in force.
 */

// A dry run never touches AWS; this makes a slip loud instead of silent.
const noEffects: EffectsFor = () => {
  throw new AmwError('AMW_INTERNAL', 'a dry run tried to change AWS');
};

function tagsOf(resource: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const tags = resource.Tags;
  if (Array.isArray(tags))
    for (const t of tags as { Key?: unknown; Value?: unknown }[])
      if (typeof t.Key === 'string') out[t.Key] = typeof t.Value === 'string' ? t.Value : '';
  return out;
}

/** The action `remediate` will run: the first that changes something (notify is the workflow's own job). */
export function remediationAction(p: CompiledPolicy): string | null {
  return p.actions.find((a) => !a.def.notifies)?.type ?? null;
}

/** Evaluates each policy (dry run) and reports what it matched, as workflow observations. */
export async function observe(
  policies: readonly CompiledPolicy[],
  inventory: Inventory,
  now: Date,
  ownerTags?: readonly string[],
): Promise<Observation[]> {
  const out: Observation[] = [];
  for (const p of policies) {
    const run = await runPolicy(p, inventory, {
      runId: randomUUID(),
      now,
      dryrun: true,
      audit: new MemoryAudit(),
      effects: noEffects,
    });
    const why = (p.spec as { description?: unknown }).description;
    const findings: Finding[] = run.resources.map((r) => {
      const tags = tagsOf(r);
      return {
        policy: p.name,
        group: p.group.name,
        accountId: String(r['amw:AccountId']),
        region: String(r['amw:Region']),
        resourceId: String(r.ImageId),
        owner: ownerFromTags(tags, ownerTags),
        why: typeof why === 'string' && why.trim() !== '' ? why.trim() : `matches policy ${p.name}`,
        action: remediationAction(p),
        details: { imageName: typeof r.Name === 'string' ? r.Name : null, tags },
      };
    });
    out.push({ policy: p.name, group: p.group.name, at: now.toISOString(), findings });
  }
  return out;
}

/** Keeps the audit rows of one remediation to explain its outcome, and forwards them to the real sink. */
class Tee implements AuditSink {
  readonly rows: AuditRow[] = [];
  constructor(private readonly sink: AuditSink) {}
  async record(row: AuditRow): Promise<void> {
    this.rows.push(row);
    await this.sink.record(row);
  }
  async notify(req: NotificationRequest): Promise<void> {
    await this.sink.notify(req);
  }
}

/** A remediator that runs the violation's policy, for that image only, through the engine's executor. */
export function policyRemediator(opts: {
  policies: readonly CompiledPolicy[];
  inventory: Inventory;
  now: () => Date;
  effects: EffectsFor;
  audit: AuditSink;
  dryrun?: boolean;
}): Remediator {
  return async (v) => {
    const p = opts.policies.find((x) => x.name === v.policy && x.group.name === v.group);
    if (!p)
      return {
        outcome: 'skipped',
        reason: `policy ${v.policy} (group ${v.group}) was not loaded for this run`,
      };
    const single: CompiledPolicy = {
      ...p,
      filter: (img, ctx) => img.resource.ImageId === v.resourceId && p.filter(img, ctx),
      actions: p.actions.filter((a) => !a.def.notifies),
    };
    if (single.actions.length === 0) return { outcome: 'skipped', reason: 'the policy has no action to run' };
    const tee = new Tee(opts.audit);
    const run = await runPolicy(single, opts.inventory, {
      runId: `workflow-${randomUUID()}`,
      now: opts.now(),
      dryrun: opts.dryrun ?? false,
      audit: tee,
      effects: opts.effects,
    });
    if (run.resources.length === 0)
      return { outcome: 'skipped', reason: `${v.resourceId} no longer matches ${v.policy}` };
    // Judge by the image's own rows: a snapshot kept because another image holds it does not
    // undo a deregistration, but any action of the policy skipped on the image itself does.
    const own = tee.rows.filter((r) => r.resourceId === v.resourceId);
    const reasons = tee.rows.map((r) => `${r.action} ${r.resourceId}: ${r.outcome}: ${r.reason}`).join('; ');
    if (tee.rows.some((r) => r.outcome === 'failed')) return { outcome: 'failed', reason: reasons };
    if (own.length > 0 && own.every((r) => r.outcome === 'done')) return { outcome: 'done', reason: reasons };
    return { outcome: 'skipped', reason: reasons || 'nothing ran' };
  };
}
