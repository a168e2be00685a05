// A workflow world for tests: a real SQLite store, real receivers, a config that routes
// team-a to its own Slack webhook and e-mail, everyone else to a fallback address, and
// escalates to a security Slack channel with a Jira ticket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../src/store/db.ts';
import type { Store } from '../../src/store/db.ts';
import { ManualClock } from '../../src/workflow/clock.ts';
import { parseWorkflowConfig } from '../../src/workflow/config.ts';
import type { WorkflowConfig } from '../../src/workflow/config.ts';
import { tick } from '../../src/workflow/engine.ts';
import type { TickOptions } from '../../src/workflow/engine.ts';
import type { Finding, Observation } from '../../src/workflow/model.ts';
import { workflowStore } from '../../src/workflow/store/open.ts';
import type { WorkflowDb } from '../../src/workflow/store/tables.ts';
import { startJira } from './jira-receiver.ts';
import type { JiraReceiver } from './jira-receiver.ts';
import { startHttpReceiver, startSmtp } from './receivers.ts';
import type { HttpReceiver, SmtpReceiver } from './receivers.ts';

export const T0 = '2026-11-02T09:00:00.000Z';
export const SECRETS = {
  teamA: '/services/TEAMA/B1/team-a-secret-path',
  security: '/services/SEC/B2/security-secret-path',
  smtp: 'smtp-password-5ecret',
  jira: 'jira-api-token-5ecret',
};

export interface World {
  clock: ManualClock;
  db: WorkflowDb;
  store: Store;
  cfg: WorkflowConfig;
  env: NodeJS.ProcessEnv;
  teamA: HttpReceiver;
  security: HttpReceiver;
  smtp: SmtpReceiver;
  jira: JiraReceiver;
  tick(extra?: Partial<TickOptions>): ReturnType<typeof tick>;
  close(): Promise<void>;
}

export interface WorldOptions {
  fallback?: boolean;
  attempts?: number;
  notifyOnResolve?: boolean;
}

export async function world(opts: WorldOptions = {}): Promise<World> {
  const dir = mkdtempSync(join(tmpdir(), 'amw-wf-'));
  const store = await openStore(join(dir, 'amiwarden.db'));
  const db = await workflowStore(store);
  const [teamA, security, smtp, jira] = await Promise.all([
    startHttpReceiver(),
    startHttpReceiver(),
    startSmtp({ user: 'amiwarden', password: SECRETS.smtp }),
    startJira(`Basic ${Buffer.from(`bot@example.com:${SECRETS.jira}`).toString('base64')}`),
  ]);
  const env = {
    SLACK_TEAM_A: teamA.url + SECRETS.teamA,
    SLACK_SECURITY: security.url + SECRETS.security,
    SMTP_PASSWORD: SECRETS.smtp,
    JIRA_TOKEN: SECRETS.jira,
  };
  const cfg = parseWorkflowConfig({
    dashboard_url: 'https://amiwarden.example.com/',
    routes: { 'team-a': { slack: ['team-a'], email: ['team-a@example.com'] } },
    ...(opts.fallback === false ? {} : { fallback: { email: ['cloud-owners@example.com'] } }),
    channels: {
      email: {
        host: '127.0.0.1',
        port: smtp.port,
        from: 'amiwarden@example.com',
        user: 'amiwarden',
        password: { env: 'SMTP_PASSWORD' },
      },
      slack: { webhooks: { 'team-a': { env: 'SLACK_TEAM_A' }, security: { env: 'SLACK_SECURITY' } } },
      jira: { url: jira.url, project: 'SEC', user: 'bot@example.com', token: { env: 'JIRA_TOKEN' } },
    },
    retry: { attempts: opts.attempts ?? 5, base_ms: 1000, max_ms: 30_000 },
    workflows: [
      {
        name: 'default',
        notify_on_resolve: opts.notifyOnResolve ?? true,
        steps: [
          { id: 'notify-owner', day: 0, do: 'notify' },
          { id: 'escalate', day: 7, do: 'escalate', to: { slack: ['security'] }, ticket: true },
          { id: 'remediate', day: 14, do: 'remediate' },
        ],
      },
    ],
  });
  const clock = new ManualClock(T0);
  return {
    clock,
    db,
    store,
    cfg,
    env,
    teamA,
    security,
    smtp,
    jira,
    tick: (extra = {}) => tick({ db, cfg, clock, env, modeOf: () => 'enforce', ...extra }),
    async close() {
      await Promise.all([teamA.close(), security.close(), smtp.close(), jira.close()]);
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function finding(imageId: string, owner: string | null, over: Partial<Finding> = {}): Finding {
  return {
    policy: 'old-images',
    group: 'dev',
    accountId: '111111111111',
    region: 'eu-west-1',
    resourceId: imageId,
    owner,
    why: 'older than 30 days and not used by anything',
    action: 'deregister',
    details: { imageName: `${imageId}-name` },
    ...over,
  };
}

export function observed(
  at: Date | string,
  findings: Finding[],
  policy = 'old-images',
  group = 'dev',
): Observation[] {
  return [{ policy, group, at: new Date(at).toISOString(), findings }];
}
