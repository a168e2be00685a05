import { randomUUID } from 'node:crypto';
import {
  assumeRoleCredentials,
  callerAccount,
  enabledRegions,
  organizationAccounts,
  roleArnFor,
} from '../aws/accounts.ts';
import type { AccountTarget } from '../aws/accounts.ts';
import { CallCounter, regionClients } from '../aws/clients.ts';
import type { AwsAccess } from '../aws/clients.ts';
import { credentialOwner, wrapAwsError } from '../aws/errors.ts';
import { mapLimit } from '../aws/paging.ts';
import { AmwError } from '../errors.ts';
import type { Store } from '../store/db.ts';
import { finishRun, nextRunTime, recordScope, startRun } from '../store/queries/runs.ts';
import { upsertRows } from '../store/sync.ts';
import { silentProgress } from './progress.ts';
import type { Progress } from './progress.ts';
import { collectScope } from './scope.ts';
import { writeScope } from './write.ts';

export interface CollectPlanInput {
  access: AwsAccess;
  /** Region for global calls (STS, Organizations, DescribeRegions). */
  homeRegion: string;
  /** Accounts to collect; empty means the caller's own account (or the organization). */
  accounts: readonly string[];
  organizations: boolean;
  roleName: string;
  /** Regions to collect; empty means every enabled region. */
  regions: readonly string[];
}

export interface CollectPlan {
  access: AwsAccess;
  homeRegion: string;
  caller: string;
  accounts: AccountTarget[];
  regions: string[];
}

/**
 * Checks credentials, accounts and regions before anything is written, so bad input fails
 * with one error and leaves the store as it was.
 */
export async function planCollection(input: CollectPlanInput): Promise<CollectPlan> {
  const counter = input.access.counter ?? new CallCounter();
  const access = { ...input.access, counter };
  const caller = await callerAccount(access, input.homeRegion);
  const available = await enabledRegions(access, input.homeRegion);
  const unknown = input.regions.filter((r) => !available.includes(r));
  if (unknown.length > 0)
    throw new AmwError(
      'AMW_AWS_UNKNOWN_REGION',
      `unknown or disabled region ${unknown.join(', ')} (enabled: ${available.join(', ')})`,
    );
  const regions = input.regions.length > 0 ? [...new Set(input.regions)] : available;
  let accounts: AccountTarget[];
  const target = (
    id: string,
    source: AccountTarget['source'],
    extra: Partial<AccountTarget> = {},
  ): AccountTarget => ({
    accountId: id,
    name: null,
    email: null,
    state: null,
    source,
    roleArn: id === caller ? null : roleArnFor(id, input.roleName),
    ...extra,
  });
  if (input.accounts.length > 0) accounts = [...new Set(input.accounts)].map((id) => target(id, 'config'));
  else if (input.organizations) {
    const org = await organizationAccounts(access, input.homeRegion);
    accounts = org
      .filter((a) => a.Id && (a.State ?? a.Status ?? 'ACTIVE') === 'ACTIVE')
      .map((a) =>
        target(a.Id ?? '', 'organizations', {
          name: a.Name ?? null,
          email: a.Email ?? null,
          state: a.State ?? a.Status ?? null,
        }),
      );
  } else accounts = [target(caller, 'caller')];
  accounts.sort((a, b) => a.accountId.localeCompare(b.accountId));
  return { access, homeRegion: input.homeRegion, caller, accounts, regions };
}

export interface ScopeOutcome {
  accountId: string;
  region: string;
  ok: boolean;
  errorCode: string | null;
  error: string | null;
  images: number;
  instances: number;
}

export interface CollectResult {
  runId: string;
  startedAt: string;
  status: 'ok' | 'partial' | 'failed';
  scopes: ScopeOutcome[];
  apiCalls: number;
  attempts: number;
  images: number;
}

export interface RunOptions {
  concurrency?: number;
  attributeConcurrency?: number;
  clock?: () => Date;
  progress?: Progress;
}

/** Collects every account x region of a plan, with bounded concurrency, into the store. */
export async function runCollection(
  store: Store,
  plan: CollectPlan,
  opts: RunOptions = {},
): Promise<CollectResult> {
  const db = store.db;
  const clock = opts.clock ?? (() => new Date());
  const progress = opts.progress ?? silentProgress;
  const counter = plan.access.counter ?? new CallCounter();
  const callsBefore = counter.calls;
  const attemptsBefore = counter.attempts;
  const now = await nextRunTime(db, clock());
  const runId = `run-${now.replace(/[^0-9]/g, '').slice(0, 14)}-${randomUUID().slice(0, 8)}`;
  await startRun(db, runId, now, plan.accounts.length);
  await upsertRows(
    db,
    'accounts',
    plan.accounts.map((a) => ({
      account_id: a.accountId,
      name: a.name,
      email: a.email,
      state: a.state,
      source: a.source,
      role_arn: a.roleArn,
    })),
    now,
  );
  const collected = new Set(plan.accounts.map((a) => a.accountId));
  const creds = new Map(
    plan.accounts.map((a) => [
      a.accountId,
      a.roleArn
        ? assumeRoleCredentials({ ...plan.access, counter }, plan.homeRegion, a.roleArn)
        : plan.access.credentials,
    ]),
  );
  const scopes = plan.accounts.flatMap((a) =>
    plan.regions.map((r) => ({ accountId: a.accountId, region: r })),
  );
  let writes: Promise<unknown> = Promise.resolve();
  progress.start(scopes.length);
  const outcomes = await mapLimit(
    scopes,
    opts.concurrency ?? 4,
    async ({ accountId, region }): Promise<ScopeOutcome> => {
      const started = clock().toISOString();
      const credentials = creds.get(accountId);
      const clients = regionClients(
        { ...plan.access, counter, ...(credentials ? { credentials } : {}) },
        region,
      );
      const label = `${accountId}/${region}`;
      let outcome: ScopeOutcome;
      try {
        const data = await collectScope({
          clients,
          accountId,
          region,
          collectedAccounts: collected,
          attributeConcurrency: opts.attributeConcurrency ?? 8,
        });
        // Scopes write one at a time: two transactions upserting the same shared images in
        // different orders could deadlock on PostgreSQL. Writing is short next to collecting.
        const write = writes.then(() => writeScope(db, data, now));
        writes = write.catch(() => undefined);
        await write;
        outcome = {
          accountId,
          region,
          ok: true,
          errorCode: null,
          error: null,
          images: data.ownedImages.length + data.otherImages.length + data.metadataImages.length,
          instances: data.instances.length,
        };
        progress.scopeDone(label, true, `${outcome.images} images, ${outcome.instances} instances`);
      } catch (err) {
        const roleArn = plan.accounts.find((a) => a.accountId === accountId)?.roleArn;
        const e = wrapAwsError(
          err,
          `collecting ${label}`,
          undefined,
          roleArn ? { roleArn } : credentialOwner(plan.access),
        );
        outcome = {
          accountId,
          region,
          ok: false,
          errorCode: e.code,
          error: e.message,
          images: 0,
          instances: 0,
        };
        progress.scopeDone(label, false, e.message);
      } finally {
        clients.destroy();
      }
      await recordScope(db, {
        run_id: runId,
        account_id: accountId,
        region,
        status: outcome.ok ? 'ok' : 'failed',
        error_code: outcome.errorCode,
        error_message: outcome.error,
        started_at: started,
        finished_at: clock().toISOString(),
        images: outcome.images,
        instances: outcome.instances,
      });
      return outcome;
    },
  );
  progress.finish();
  const failed = outcomes.filter((o) => !o.ok).length;
  const status = failed === 0 ? 'ok' : failed === outcomes.length ? 'failed' : 'partial';
  const images = outcomes.reduce((n, o) => n + o.images, 0);
  const apiCalls = counter.calls - callsBefore;
  await finishRun(db, runId, {
    finished_at: clock().toISOString(),
    status,
    scopes_ok: outcomes.length - failed,
    scopes_failed: failed,
    api_calls: apiCalls,
    images_seen: images,
  });
  return {
    runId,
    startedAt: now,
    status,
    scopes: outcomes,
    apiCalls,
    attempts: counter.attempts - attemptsBefore,
    images,
  };
}
