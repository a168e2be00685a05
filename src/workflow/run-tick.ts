import { storeAwsEffects } from '../policy/aws-effects.ts';
import type { AwsEffects } from '../policy/aws-effects.ts';
import { loadGroups } from '../policy/config.ts';
import { loadAndCompile } from '../policy/engine.ts';
import { migratePolicyTables, policyDb, StoreAudit } from '../policy/store-audit.ts';
import { loadInventory } from '../policy/store-inventory.ts';
import { openStore } from '../store/db.ts';
import type { Clock } from './clock.ts';
import { loadWorkflowConfig } from './config.ts';
import { tick } from './engine.ts';
import type { TickResult } from './engine.ts';
import type { Observation } from './model.ts';
import { takeNotificationRequests } from './intake.ts';
import { observe, policyRemediator } from './policy-bridge.ts';
import type { Remediator } from './remediate.ts';
import { workflowStore } from './store/open.ts';

export interface RunTickOptions {
  db: string;
  config: string;
  /** Policy files or directories; without them the tick only advances timers and deliveries. */
  policies?: readonly string[];
  endpoint?: string;
  dryrun?: boolean;
  clock: Clock;
  log?: (line: string) => void;
}

/** Time as of `at`, moving on in real time from there: `--now` replays a day, retries still wait. */
export function offsetClock(at: Date): Clock {
  const offset = at.getTime() - Date.now();
  return {
    now: () => new Date(Date.now() + offset),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** `amiwarden workflow tick`: evaluate the policies, open/resolve violations, run due steps. */
export async function runTick(o: RunTickOptions): Promise<TickResult> {
  const cfg = await loadWorkflowConfig(o.config);
  const groups = await loadGroups(o.config, false);
  const modes = new Map(groups.map((g) => [g.name, g.mode]));
  const policies = o.policies && o.policies.length > 0 ? await loadAndCompile(o.policies, groups) : [];
  const store = await openStore(o.db);
  let effects: AwsEffects | undefined;
  try {
    const db = await workflowStore(store);
    let observations: Observation[] = [];
    let remediate: Remediator | undefined;
    await migratePolicyTables(policyDb(store.db));
    const intake = await takeNotificationRequests(store.db, cfg.owner_tags);
    if (policies.length > 0) {
      const inventory = await loadInventory(store.db);
      observations = await observe(policies, inventory, o.clock.now(), cfg.owner_tags);
      effects = await storeAwsEffects(store.db, o.endpoint);
      remediate = policyRemediator({
        policies,
        inventory,
        now: () => o.clock.now(),
        effects: effects.for,
        audit: new StoreAudit(policyDb(store.db)),
      });
    }
    // A full evaluation of a (policy, group) supersedes the requests an earlier run recorded for it.
    const evaluated = new Set(observations.map((x) => `${x.policy}\0${x.group}`));
    const requested = intake.observations.filter((x) => !evaluated.has(`${x.policy}\0${x.group}`));
    const result = await tick({
      db,
      cfg,
      clock: o.clock,
      observations: [...requested, ...observations],
      remediate,
      // A group that left the configuration keeps its violations, at the safe mode.
      modeOf: (g) => modes.get(g) ?? 'notify',
      dryrun: o.dryrun ?? false,
      log: o.log,
    });
    if (!result.skipped) await intake.markTaken();
    return result;
  } finally {
    effects?.close();
    await store.close();
  }
}
