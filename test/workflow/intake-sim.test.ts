// `amiwarden run` in a notify-mode group records notification requests; a later
// `amiwarden workflow tick` without policies turns them into violations and notices once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { main } from '../../src/cli/main.ts';
import { SIM_ROOT_CREDENTIALS, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { startHttpReceiver, startSmtp } from './receivers.ts';
import type { HttpReceiver, SmtpReceiver } from './receivers.ts';

const FIX = new URL('../fixtures/workflow/', import.meta.url).pathname;
let sim: RunningSimulator;
let dir: string;
let db: string;
let config: string;
let teamA: HttpReceiver;
let smtp: SmtpReceiver;

const cli = (...args: string[]) => {
  process.exitCode = undefined;
  return main(['node', 'amiwarden', ...args]);
};

before(async () => {
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: SIM_ROOT_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: SIM_ROOT_CREDENTIALS.secretAccessKey,
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  });
  sim = await startSimulator({ seed: join(FIX, 'estate.yml'), port: 0 });
  [teamA, smtp] = await Promise.all([startHttpReceiver(), startSmtp()]);
  dir = mkdtempSync(join(tmpdir(), 'amw-wf-intake-'));
  db = join(dir, 'amiwarden.db');
  config = join(dir, 'amiwarden.yml');
  process.env.AMW_IN_SLACK_TEAM_A = `${teamA.url}/hooks/a`;
  writeFileSync(
    config,
    `groups:
  dev: { mode: notify, accounts: ['300000000002'] }
workflow:
  routes: { team-a: { slack: [team-a] } }
  fallback: { email: [cloud-owners@example.com] }
  channels:
    email: { host: 127.0.0.1, port: ${smtp.port}, from: amiwarden@example.com }
    slack: { webhooks: { team-a: { env: AMW_IN_SLACK_TEAM_A } } }
  workflows:
    - name: default
      steps:
        - { id: notify-owner, day: 0, do: notify }
        - { id: remediate, day: 14, do: remediate }
`,
  );
  assert.equal(await cli('collect', '--db', db, '--endpoint', sim.url, '--organizations', '--quiet'), 0);
});

after(async () => {
  await Promise.all([sim.close(), teamA.close(), smtp.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('notification requests from a run open violations and are taken once', async () => {
  const run = [
    'run',
    '-p',
    join(FIX, 'notify-policy.yml'),
    '--db',
    db,
    '--config',
    config,
    '--endpoint',
    sim.url,
    '--now',
    '2026-11-01T08:00:00Z',
    '--quiet',
  ];
  assert.equal(await cli(...run), 0);
  const tick = (now: string) =>
    cli('workflow', 'tick', '--db', db, '--config', config, '--now', now, '--quiet');
  assert.equal(await tick('2026-11-01T09:00:00Z'), 0);
  assert.equal(await tick('2026-11-01T09:05:00Z'), 0);
  assert.equal(teamA.accepted.length, 1);
  const body = JSON.stringify(JSON.parse(teamA.accepted[0]!.body));
  assert.match(body, /ami-0f00000000000f001/);
  assert.match(body, /ami-0f00000000000f002/);
  assert.match(body, /tagged lifecycle=expired; rebuild it/);
  assert.equal(smtp.mails.length, 1);
  assert.match(smtp.mails[0]!.raw, /ami-0f00000000000f003/);

  const h = new Database(db, { readonly: true });
  try {
    const statuses = h
      .prepare('select status, count(*) as n from policy_notifications group by status')
      .all() as { status: string; n: number }[];
    // notify for three images, the capped deregister for two: the engine's in-use guard drops
    // the deregister of ...003 (a running instance) before the mode is even considered.
    assert.deepEqual(statuses, [{ status: 'taken', n: 5 }]);
    const vs = h.prepare('select resource_id, state, action from violations order by resource_id').all();
    assert.deepEqual(vs, [
      { resource_id: 'ami-0f00000000000f001', state: 'notified', action: 'deregister' },
      { resource_id: 'ami-0f00000000000f002', state: 'notified', action: 'deregister' },
      { resource_id: 'ami-0f00000000000f003', state: 'notified', action: null },
    ]);
  } finally {
    h.close();
  }
  // Day 14 in a notify-mode group: the remediation step finishes capped, AWS is untouched.
  sim.resetCallCounts();
  assert.equal(await tick('2026-11-15T09:00:00Z'), 0);
  assert.equal(sim.callCounts()['ec2:DeregisterImage'], undefined);
  const h2 = new Database(db, { readonly: true });
  try {
    const steps = h2.prepare("select outcome, detail from workflow_steps where step_id = 'remediate'").all();
    assert.deepEqual(steps, Array(3).fill({ outcome: 'capped', detail: 'group dev is in notify mode' }));
  } finally {
    h2.close();
  }
});
