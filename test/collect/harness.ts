// Shared by the collector's integration tests: a simulator on loopback, the real SDK, a
// fresh store, and a collection run between them.
import { fileURLToPath } from 'node:url';
import { CallCounter } from '../../src/aws/clients.ts';
import { planCollection, runCollection } from '../../src/collect/runner.ts';
import type { CollectResult } from '../../src/collect/runner.ts';
import type { Store } from '../../src/store/db.ts';
import { SIM_ROOT_CREDENTIALS } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';

export const INVENTORY_SEED = fileURLToPath(new URL('./fixtures/inventory.yml', import.meta.url));

export const DEV = '300000000002';
export const PROD = '300000000003';
export const MGMT = '300000000001';

export async function collectOnce(
  sim: RunningSimulator,
  store: Store,
  opts: {
    regions?: string[];
    clock?: () => Date;
    maxAttempts?: number;
    /** Collect only these accounts; none (the default) discovers them through Organizations. */
    accounts?: string[];
  } = {},
): Promise<CollectResult> {
  const plan = await planCollection({
    access: {
      endpoint: sim.url,
      credentials: { ...SIM_ROOT_CREDENTIALS },
      counter: new CallCounter(),
      ...(opts.maxAttempts ? { maxAttempts: opts.maxAttempts } : {}),
    },
    homeRegion: 'us-east-1',
    accounts: opts.accounts ?? [],
    organizations: !opts.accounts?.length,
    roleName: 'OrganizationAccountAccessRole',
    regions: opts.regions ?? [],
  });
  return runCollection(store, plan, { ...(opts.clock ? { clock: opts.clock } : {}), concurrency: 4 });
}

/** The inventory without history timestamps, for comparing two runs. */
export async function inventoryDump(store: Store): Promise<Record<string, unknown[]>> {
  const tables = [
    'images',
    'launch_permissions',
    'block_device_mappings',
    'snapshots',
    'instances',
    'launch_templates',
    'launch_template_versions',
    'launch_configurations',
    'auto_scaling_groups',
    'asg_launch_template_refs',
    'ssm_parameters',
    'account_settings',
    'accounts',
    'regions',
  ] as const;
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = (await store.db.selectFrom(t).selectAll().execute()) as Record<string, unknown>[];
    out[t] = rows
      .map(({ first_seen: _f, last_seen: _l, deleted_at: d, seen_by_account: _s, ...rest }) => ({
        ...rest,
        deleted: d !== null,
      }))
      .map((r) => JSON.stringify(r))
      .sort();
  }
  return out;
}
