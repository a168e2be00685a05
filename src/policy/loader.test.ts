import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { AmwError } from '../errors.ts';
import type { ErrorCode } from '../errors.ts';
import { compileText } from './engine.ts';
import { DEFAULT_GROUP } from './config.ts';
import type { AccountGroup } from './config.ts';

const dir = new URL('../../test/fixtures/policies/malformed/', import.meta.url);

async function errorOf(name: string, groups: AccountGroup[] = [DEFAULT_GROUP]): Promise<AmwError> {
  const file = `malformed/${name}`;
  const text = await readFile(new URL(name, dir), 'utf8');
  try {
    await compileText(file, text, groups);
  } catch (err) {
    assert.ok(err instanceof AmwError, `expected AmwError, got ${String(err)}`);
    return err;
  }
  assert.fail(`${name} compiled without error`);
}

const CASES: [string, ErrorCode, string][] = [
  ['bad-yaml.yml', 'AMW_POLICY_YAML', 'malformed/bad-yaml.yml:7:1: invalid YAML'],
  [
    'unknown-filter.yml',
    'AMW_POLICY_UNKNOWN_FILTER',
    'malformed/unknown-filter.yml:7:15: policies[0].filters[1].type: unknown filter "imagine-age"',
  ],
  [
    'wrong-type.yml',
    'AMW_POLICY_SCHEMA',
    'malformed/wrong-type.yml:6:15: policies[0].filters[0].days: expected number',
  ],
  [
    'undefined-variable.yml',
    'AMW_POLICY_UNDEFINED_VARIABLE',
    'malformed/undefined-variable.yml:6:15: policies[0].filters[0].days: variable {environment_ageout} is not defined',
  ],
  [
    'unsupported-key.yml',
    'AMW_POLICY_UNSUPPORTED_KEY',
    'malformed/unsupported-key.yml:4:5: policies[0].conditions: Cloud Custodian policy key "conditions" is not supported',
  ],
  [
    'unknown-field.yml',
    'AMW_POLICY_SCHEMA',
    'malformed/unknown-field.yml:6:9: policies[0].filters[0].dayz: unknown field',
  ],
  [
    'unsupported-filter.yml',
    'AMW_POLICY_UNSUPPORTED_KEY',
    'malformed/unsupported-filter.yml:5:15: policies[0].filters[0].type: Cloud Custodian filter "reduce" is not supported',
  ],
  [
    'unknown-action.yml',
    'AMW_POLICY_UNKNOWN_ACTION',
    'malformed/unknown-action.yml:5:15: policies[0].actions[0].type: unknown action "explode"',
  ],
  [
    'bad-op.yml',
    'AMW_POLICY_SCHEMA',
    'malformed/bad-op.yml:7:13: policies[0].filters[0].op: must be one of "eq"',
  ],
  [
    'wrong-resource.yml',
    'AMW_POLICY_SCHEMA',
    'malformed/wrong-resource.yml:3:15: policies[0].resource: must be one of "aws.ami", "ami"',
  ],
];

for (const [name, code, prefix] of CASES) {
  test(`${name} is refused with ${code} at file:line:col`, async () => {
    const err = await errorOf(name);
    assert.equal(err.code, code);
    assert.ok(err.toLine().startsWith(prefix), `got: ${err.toLine()}`);
  });
}

test('a variable defined by one group but not another is an error naming the group', async () => {
  const dev: AccountGroup = {
    name: 'dev',
    mode: 'enforce',
    accounts: ['111111111111'],
    variables: { environment_ageout: 30 },
  };
  const prod: AccountGroup = { name: 'prod', mode: 'report', accounts: ['222222222222'] };
  const err = await errorOf('undefined-variable.yml', [dev, prod]);
  assert.equal(err.code, 'AMW_POLICY_UNDEFINED_VARIABLE');
  assert.match(err.message, /account group "prod"/);
});

test('a whole-value variable keeps its type and an embedded one is interpolated', async () => {
  const g: AccountGroup = {
    name: 'dev',
    mode: 'enforce',
    accounts: ['111111111111'],
    variables: { age: 30, env: 'dev' },
  };
  const [p] = await compileText(
    'vars.yml',
    `policies:
  - name: v
    resource: aws.ami
    filters:
      - type: image-age
        days: "{age}"
    actions:
      - type: mark-for-op
        op: deregister
        msg: "env {env}: {op}@{action_date}"
`,
    [g],
  );
  assert.equal((p?.spec.filters?.[0] as { days: unknown }).days, 30);
  assert.equal((p?.spec.actions?.[0] as { msg: unknown }).msg, 'env dev: {op}@{action_date}');
});

test('every example in ../shared/examples/custodian loads unchanged', async () => {
  const { readdir } = await import('node:fs/promises');
  const base = new URL('../../test/fixtures/policies/custodian/', import.meta.url);
  const names = (await readdir(base)).filter((n) => n.endsWith('.yml')).sort();
  assert.equal(names.length, 6);
  for (const n of names) {
    const compiled = await compileText(n, await readFile(new URL(n, base), 'utf8'), [DEFAULT_GROUP]);
    assert.equal(compiled.length, 1, n);
  }
});
