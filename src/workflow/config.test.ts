import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isAmwError } from '../errors.ts';
import { loadWorkflowConfig, parseWorkflowConfig, workflowFor } from './config.ts';

const dir = mkdtempSync(join(tmpdir(), 'amw-wfcfg-'));

test('a full workflow section loads, and the first matching workflow wins', async () => {
  const file = join(dir, 'ok.yml');
  writeFileSync(
    file,
    `groups: {}
workflow:
  dashboard_url: https://amiwarden.example.com
  routes:
    team-a: { slack: [team-a] }
  fallback: { email: [cloud@example.com] }
  channels:
    email: { host: 127.0.0.1, port: 2525, from: amiwarden@example.com }
    slack: { webhooks: { team-a: { env: SLACK_TEAM_A } } }
  workflows:
    - name: prod
      groups: [prod]
      steps: [{ id: notify, day: 0, do: notify }]
    - name: default
      steps:
        - { id: notify, day: 0, do: notify }
        - { id: remediate, day: 14, do: remediate }
`,
  );
  const cfg = await loadWorkflowConfig(file);
  assert.equal(workflowFor(cfg, 'any', 'prod')?.name, 'prod');
  assert.equal(workflowFor(cfg, 'any', 'dev')?.name, 'default');
});

test('an unknown key is an error with its path and line', async () => {
  const file = join(dir, 'bad.yml');
  writeFileSync(
    file,
    `workflow:\n  workflows:\n    - name: w\n      steps:\n        - { id: n, day: 0, do: notify, when: later }\n`,
  );
  await assert.rejects(loadWorkflowConfig(file), (e: unknown) => {
    assert.ok(isAmwError(e, 'AMW_CONFIG_INVALID'));
    assert.match(e.message, /workflow\.workflows\.0\.steps\.0/);
    assert.equal(e.location?.line, 5);
    return true;
  });
});

test('names that no channel defines, duplicate step ids and tickets without Jira are refused', () => {
  const steps = [{ id: 'n', day: 0, do: 'notify' }];
  const cases: [unknown, RegExp][] = [
    [{ routes: { a: { slack: ['nope'] } }, workflows: [{ name: 'w', steps }] }, /Slack webhook "nope"/],
    [{ fallback: { email: ['x@example.com'] }, workflows: [{ name: 'w', steps }] }, /need channels\.email/],
    [{ workflows: [{ name: 'w', steps: [...steps, ...steps] }] }, /step id "n" is used twice/],
    [
      { workflows: [{ name: 'w', steps: [{ id: 'e', day: 7, do: 'escalate', ticket: true }] }] },
      /ticket needs channels\.jira/,
    ],
    [
      { workflows: [{ name: 'w', steps: [{ id: 'e', day: 7, do: 'page' }] }] },
      /workflow\.workflows\.0\.steps\.0\.do/,
    ],
  ];
  for (const [raw, re] of cases)
    assert.throws(
      () => parseWorkflowConfig(raw),
      (e: unknown) => isAmwError(e, 'AMW_CONFIG_INVALID') && re.test(e.message),
      String(re),
    );
});
