import type { AuditRow, AuditSink, Outcome } from './audit.ts';
import type { CompiledPolicy } from './compile.ts';
import { groupCovers } from './config.ts';
import type { Mode } from './config.ts';
import type { EffectsFor } from './effects.ts';
import type { EvalContext } from './filters/define.ts';
import { usageBlockers } from './guard.ts';
import type { Inventory } from './inventory.ts';
import type { PolicyImage } from './resource.ts';
import type { ActionContext, ActionResult } from './actions/define.ts';
import { messageOf } from '../errors.ts';

export interface RunOptions {
  readonly runId: string;
  readonly now: Date;
  readonly dryrun: boolean;
  readonly audit: AuditSink;
  readonly effects: EffectsFor;
}

export interface PolicyRun {
  readonly policy: string;
  readonly group: string;
  readonly mode: Mode;
  /** Resources in the group's scope the filters looked at. */
  readonly scanned: number;
  /** Matched resources as they were when matched: the Custodian record, annotations, `amw:AccountId`/`amw:Region`. */
  readonly resources: Record<string, unknown>[];
  readonly outcomes: Record<Outcome, number>;
  /** Set when max-resources stopped every action. */
  readonly tripped?: string;
}

/** The images a policy may look at in a group: owned by a collected account, not gone. */
export function resourcesInScope(inventory: Inventory, policy: CompiledPolicy): PolicyImage[] {
  return inventory.images.filter(
    (i) => i.owned && i.resource.State !== 'deregistered' && groupCovers(policy.group, i.accountId, i.region),
  );
}

function breakerMessage(policy: CompiledPolicy, matched: number, total: number): string | undefined {
  const m = policy.maxResources;
  if (!m) return undefined;
  const overCount = m.amount !== undefined && matched > m.amount;
  const pct = total === 0 ? 0 : (matched * 100) / total;
  const overPct = m.percent !== undefined && pct > m.percent;
  const tripped =
    m.op === 'and' && m.amount !== undefined && m.percent !== undefined
      ? overCount && overPct
      : overCount || overPct;
  if (!tripped) return undefined;
  const limits = [m.amount !== undefined ? `${m.amount}` : '', m.percent !== undefined ? `${m.percent}%` : '']
    .filter(Boolean)
    .join(` ${m.op} `);
  return `circuit breaker: ${matched} of ${total} resources matched (${pct.toFixed(1)}%), max-resources ${limits}; no action ran`;
}

/** Runs one compiled policy over the inventory: match, check the breaker, then act under the guards. */
export async function runPolicy(
  policy: CompiledPolicy,
  inventory: Inventory,
  opts: RunOptions,
): Promise<PolicyRun> {
  const annotations = new Map<PolicyImage, Record<string, unknown>>();
  const ctx: EvalContext = {
    now: opts.now,
    inventory,
    annotate(img, key, value) {
      const a = annotations.get(img) ?? {};
      a[key] = value;
      annotations.set(img, a);
    },
  };
  const scope = resourcesInScope(inventory, policy);
  const matched: PolicyImage[] = [];
  for (const img of scope) {
    annotations.delete(img);
    if (policy.filter(img, ctx)) matched.push(img);
  }
  // A shallow copy is a true snapshot: actions replace fields (Tags, State), never edit them in place.
  const resources = matched.map((img) => ({
    ...img.resource,
    ...(annotations.get(img) ?? {}),
    'amw:AccountId': img.accountId,
    'amw:Region': img.region,
  }));
  const outcomes: Record<Outcome, number> = { done: 0, skipped: 0, failed: 0, notified: 0, dryrun: 0 };
  const mode = policy.group.mode;
  const base = { runId: opts.runId, policy: policy.name, group: policy.group.name };
  const time = opts.now.toISOString();
  const write = async (img: PolicyImage, action: string, resourceId: string, r: ActionResult) => {
    outcomes[r.outcome]++;
    const row: AuditRow = {
      ...base,
      time,
      accountId: img.accountId,
      region: img.region,
      resourceId,
      action,
      outcome: r.outcome,
      reason: r.reason,
    };
    await opts.audit.record(row);
  };
  const tripped = breakerMessage(policy, matched.length, scope.length);
  if (tripped) {
    for (const img of matched)
      for (const a of policy.actions)
        await write(img, a.type, img.resource.ImageId, { outcome: 'skipped', reason: tripped });
    return {
      policy: policy.name,
      group: policy.group.name,
      mode,
      scanned: scope.length,
      resources,
      outcomes,
      tripped,
    };
  }
  for (const img of matched) {
    for (const action of policy.actions) {
      const notes = annotations.get(img) ?? {};
      const notify = async (payload: Record<string, unknown>) =>
        opts.audit.notify({
          ...base,
          time,
          accountId: img.accountId,
          region: img.region,
          resourceId: img.resource.ImageId,
          action: action.type,
          payload,
        });
      // The context (and its AWS clients) is built only when the action really runs.
      const context = (): ActionContext => ({
        now: opts.now,
        inventory,
        policy: policy.name,
        effects: opts.effects(img.accountId, img.region),
        annotations: notes,
        allowInUse: policy.allowInUse,
        record: (a, id, r) => write(img, a, id, r),
        notify,
      });
      const result = await decide(policy, action, img, inventory, notes, context, opts.dryrun, notify);
      await write(img, action.type, img.resource.ImageId, result);
      if (img.resource.State === 'deregistered') break;
    }
  }
  return { policy: policy.name, group: policy.group.name, mode, scanned: scope.length, resources, outcomes };
}

async function decide(
  policy: CompiledPolicy,
  action: CompiledPolicy['actions'][number],
  img: PolicyImage,
  inventory: Inventory,
  notes: Record<string, unknown>,
  context: () => ActionContext,
  dryrun: boolean,
  notify: (payload: Record<string, unknown>) => Promise<void>,
): Promise<ActionResult> {
  const mode = policy.group.mode;
  if (mode === 'report')
    return { outcome: 'skipped', reason: `group ${policy.group.name} is in report mode` };
  if (action.def.guard === 'in-use' && !policy.allowInUse) {
    const blockers = usageBlockers(img, inventory);
    if (blockers.length > 0) return { outcome: 'skipped', reason: blockers.join('; ') };
  }
  if (mode === 'notify' && !action.def.notifies) {
    if (!dryrun) await notify({ wouldRun: action.type, annotations: notes });
    return {
      outcome: dryrun ? 'dryrun' : 'notified',
      reason: `group ${policy.group.name} is in notify mode: would ${action.type}`,
    };
  }
  if (dryrun) return { outcome: 'dryrun', reason: `dryrun: would ${action.type}` };
  try {
    return await action.run(img, context());
  } catch (err) {
    return { outcome: 'failed', reason: messageOf(err) };
  }
}
