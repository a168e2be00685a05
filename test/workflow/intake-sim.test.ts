// `amiwarden run` in a notify-mode group records notification requests; a later
// `amiwarden workflow tick` without policies turns them into violations and notices once.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { withCollectedEstate } from '../helpers/collected-estate.ts';
import { startHttpReceiver, startSmtp } from './receivers.ts';
import type { HttpReceiver, SmtpReceiver } from './receivers.ts';

const FIX = new URL('../fixtures/workflow/', import.meta.url).pathname;
let config: string;
let teamA: HttpReceiver;
let smtp: SmtpReceiver;

async function setup(): Promise<void> {
  [teamA, smtp] = await Promise.all([startHttpReceiver(), startSmtp()]);
  process.env.AMW_IN_SLACK_TEAM_A = `${teamA.url}/hooks/a`;
  config = estate.write(
    'amiwarden.yml',
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
}

const estate = withCollectedEstate(join(FIX, 'estate.yml'), { now: '2026-11-01T08:00:00Z', setup });

after(async () => {
  await Promise.all([teamA.close(), smtp.close()]);
});

test('notification requests from a run open violations and are taken once', async () => {
  assert.equal(await estate.run(join(FIX, 'notify-policy.yml'), '--config', config), 0);
  const tick = (now: string) =>
    estate.cli('workflow', 'tick', '--db', estate.db, '--config', config, '--now', now, '--quiet');
  assert.equal(await tick('2026-11-01T09:00:00Z'), 0);
  assert.equal(await tick('2026-11-01T09:05:00Z'), 0);
  assert.equal(teamA.accepted.length, 1);
  const body = JSON.stringify(JSON.parse(teamA.accepted[0]!.body));
  assert.match(body, /ami-0f00000000000f001/);
  assert.match(body, /ami-0f00000000000f002/);
  assert.match(body, /tagged lifecycle=expired; rebuild it/);
  assert.equal(smtp.mails.length, 1);
  assert.match(smtp.mails[0]!.raw, /ami-0f00000000000f003/);

  const statuses = estate.query('select status, count(*) as n from policy_notifications group by status');
  // notify for three images, the capped deregister for two: the engine's in-use guard drops
  // the deregister of ...003 (a running instance) before the mode is even considered.
  assert.deepEqual(statuses, [{ status: 'taken', n: 5 }]);
  const vs = estate.query('select resource_id, state, action from violations order by resource_id');
  assert.deepEqual(vs, [
    { resource_id: 'ami-0f00000000000f001', state: 'notified', action: 'deregister' },
    { resource_id: 'ami-0f00000000000f002', state: 'notified', action: 'deregister' },
    { resource_id: 'ami-0f00000000000f003', state: 'notified', action: null },
  ]);
  // Day 14 in a notify-mode group: the remediation step finishes capped, AWS is untouched.
  estate.sim.resetCallCounts();
  assert.equal(await tick('2026-11-15T09:00:00Z'), 0);
  assert.equal(estate.sim.callCounts()['ec2:DeregisterImage'], undefined);
  const steps = estate.query("select outcome, detail from workflow_steps where step_id = 'remediate'");
  assert.deepEqual(steps, Array(3).fill({ outcome: 'capped', detail: 'group dev is in notify mode' }));
});
