import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../src/cli/testing.ts';
import type { CliRun } from '../../src/cli/testing.ts';
import { FIXTURES, spawnCli } from './harness.ts';

const M = join(FIXTURES, 'malformed');
const NO_VARS = join(FIXTURES, 'groups/no-variables.yml');

/** The CLI in-process (spawning tsx per case is too slow on two cores). */
const validate = (...args: string[]): Promise<CliRun> => runCli(['validate', '--quiet', ...args]);

const CASES: [string, RegExp][] = [
  ['bad-yaml.yml', /bad-yaml\.yml:7:1: invalid YAML: .*\[AMW_POLICY_YAML\]$/m],
  [
    'unknown-filter.yml',
    /unknown-filter\.yml:7:15: policies\[0\]\.filters\[1\]\.type: unknown filter "imagine-age".*\[AMW_POLICY_UNKNOWN_FILTER\]$/m,
  ],
  [
    'wrong-type.yml',
    /wrong-type\.yml:6:15: policies\[0\]\.filters\[0\]\.days: expected number \[AMW_POLICY_SCHEMA\]$/m,
  ],
  [
    'undefined-variable.yml',
    /undefined-variable\.yml:6:15: .*variable \{environment_ageout\} is not defined by account group "dev" \[AMW_POLICY_UNDEFINED_VARIABLE\]$/m,
  ],
  [
    'unsupported-key.yml',
    /unsupported-key\.yml:4:5: policies\[0\]\.conditions: Cloud Custodian policy key "conditions" is not supported \[AMW_POLICY_UNSUPPORTED_KEY\]$/m,
  ],
];

for (const [name, line] of CASES) {
  test(`amiwarden validate ${name}: file:line:col on stderr, exit 2`, async () => {
    const r = await validate('-p', join(M, name), '--config', NO_VARS);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, line);
  });
}

test('the real binary exits 2 with the located line', () => {
  const r = spawnCli(['validate', '-p', join(M, 'wrong-type.yml'), '--config', NO_VARS]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /wrong-type\.yml:6:15: policies\[0\]\.filters\[0\]\.days: expected number/);
});

test('amiwarden validate accepts the Custodian examples and a variable policy under three account groups', async () => {
  const r = await validate(
    '-p',
    join(FIXTURES, 'custodian'),
    join(FIXTURES, 'groups/ageout.yml'),
    '--config',
    join(FIXTURES, 'groups/amiwarden.yml'),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
});
