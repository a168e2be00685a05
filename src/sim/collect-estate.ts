import { CallCounter } from '../aws/clients.ts';
import { planCollection, runCollection } from '../collect/runner.ts';
import type { CollectPlan, CollectResult, RunOptions } from '../collect/runner.ts';
import type { Store } from '../store/db.ts';
import { SIM_ROOT_CREDENTIALS } from './credentials.ts';
import type { RunningSimulator } from './index.ts';

export interface SimulatedCollection {
  plan: CollectPlan;
  result: CollectResult;
  /** Every SDK call of the plan and the run. */
  counter: CallCounter;
  /** Calls the plan made (caller, organization listing, regions) before the run. */
  setupCalls: number;
  /** Wall time of the run alone (the plan excluded). */
  runMs: number;
}

/**
 * The organization-wide collection of an in-process simulator's estate, as its management account
 * (every member account through the assumed role, every enabled region), into `store`.
 */
export async function collectSimulatedEstate(
  sim: RunningSimulator,
  store: Store,
  opts: { roleName?: string; run?: RunOptions } = {},
): Promise<SimulatedCollection> {
  const counter = new CallCounter();
  const plan = await planCollection({
    access: { endpoint: sim.url, credentials: { ...SIM_ROOT_CREDENTIALS }, counter },
    homeRegion: 'us-east-1',
    accounts: [],
    organizations: true,
    roleName: opts.roleName ?? 'OrganizationAccountAccessRole',
    regions: [],
  });
  const setupCalls = counter.calls;
  const started = performance.now();
  const result = await runCollection(store, plan, opts.run ?? {});
  return { plan, result, counter, setupCalls, runMs: performance.now() - started };
}
