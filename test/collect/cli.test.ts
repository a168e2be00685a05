// Bad input through the real CLI: one clear error line, a non-zero exit, the store unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SIM_ROOT_CREDENTIALS, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { openStore } from '../../src/store/db.ts';
import { runCli } from '../../src/cli/testing.ts';
import { STORE_TARGETS } from '../../src/store/testing.ts';
import { DEV, INVENTORY_SEED, collectOnce, inventoryDump } from './harness.ts';

const BIN = fileURLToPath(new URL('../../bin/amiwarden.js', import.meta.url));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_REGION: 'us-east-1',
          AWS_CONFIG_FILE: '/nonexistent',
          AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
          ...env,
        },
        timeout: 120_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let sim: RunningSimulator;
let target: Awaited<ReturnType<(typeof STORE_TARGETS)[number]['fresh']>>;
let baseline: string;

async function storeState(): Promise<string> {
  const store = await openStore(target.target, { readOnly: true, migrate: false });
  try {
    const runs = await store.db.selectFrom('collection_runs').select('run_id').execute();
    return JSON.stringify({ dump: await inventoryDump(store), runs });
  } finally {
    await store.close();
  }
}

before(async () => {
  sim = await startSimulator({ seed: INVENTORY_SEED });
  target = await (STORE_TARGETS[0] as (typeof STORE_TARGETS)[number]).fresh();
  await collectOnce(sim, target.store);
  await target.store.close();
  baseline = await storeState();
  await runBadInputs();
});
after(async () => {
  await target.dispose().catch(() => undefined);
  await sim.close();
});

function expectOneErrorLine(r: CliResult, code: string): void {
  assert.notEqual(r.code, 0);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `stderr: ${r.stderr}`);
  // Either `CODE: message` or, for errors in a user's file, `file:line: message [CODE]`.
  assert.match(lines[0] ?? '', new RegExp(`^amiwarden: error: (${code}: |.*\\[${code}\\]$)`));
}

// One bad input goes through the real binary; the others run main() in this process, which
// prints the same way, because each process start costs seconds on a loaded machine.
let results: Record<string, CliResult>;
const root = {
  AWS_ACCESS_KEY_ID: SIM_ROOT_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: SIM_ROOT_CREDENTIALS.secretAccessKey,
};
async function runBadInputs(): Promise<void> {
  // The spawned one builds SDK clients in a fresh process, so an SDK warning on stderr would show.
  const spawned = cli(['collect', '--endpoint', sim.url, '--db', target.target], {
    AWS_ACCESS_KEY_ID: 'AKIANOTAREALKEY00000',
    AWS_SECRET_ACCESS_KEY: 'wrong-secret',
  });
  results = {};
  // In-process runs share stdout and the environment: one at a time.
  results.seed = await inProcess(['demo', '--seed', '/nonexistent/estate.yml', '--db', target.target]);
  results.region = await inProcess(
    ['collect', '--endpoint', sim.url, '--db', target.target, '--organizations', '--regions', 'xx-nowhere-1'],
    root,
  );
  results.write = await inProcess(['query', '--db', target.target, 'delete from images']);
  results.sql = await inProcess(['query', '--db', target.target, 'selec image_id fro images']);
  results.credentials = await spawned;
}

test('an unreadable seed gives one error line, a non-zero exit, and the store unchanged', async () => {
  expectOneErrorLine(results.seed as CliResult, 'AMW_SEED_UNREADABLE');
  assert.equal(await storeState(), baseline);
});

test('bad credentials give one error line, a non-zero exit, and the store unchanged', async () => {
  expectOneErrorLine(results.credentials as CliResult, 'AMW_AWS_CREDENTIALS');
  assert.equal(await storeState(), baseline);
});

test('an unknown region gives one error line, a non-zero exit, and the store unchanged', async () => {
  expectOneErrorLine(results.region as CliResult, 'AMW_AWS_UNKNOWN_REGION');
  assert.match(results.region?.stderr ?? '', /xx-nowhere-1/);
  assert.equal(await storeState(), baseline);
});

test('malformed SQL gives one error line and a non-zero exit; writes are refused; the store is unchanged', async () => {
  expectOneErrorLine(results.sql as CliResult, 'AMW_QUERY_INVALID');
  expectOneErrorLine(results.write as CliResult, 'AMW_QUERY_READ_ONLY');
  assert.equal(await storeState(), baseline);
});

/** Runs the CLI in this process (fast), capturing what it prints. */
const inProcess = (args: string[], env: Record<string, string> = {}): Promise<CliResult> => runCli(args, env);

test('query prints table, JSON and CSV', async () => {
  const sql =
    "select image_id, name from images where image_id in ('ami-0b0000000000000a1', 'ami-0b0000000000000a2') order by image_id";
  const json = await inProcess(['query', '--db', target.target, '-f', 'json', sql]);
  assert.equal(json.code, 0, json.stderr);
  assert.deepEqual(JSON.parse(json.stdout), [
    { image_id: 'ami-0b0000000000000a1', name: 'dev-base' },
    { image_id: 'ami-0b0000000000000a2', name: 'dev-app' },
  ]);
  const csv = await inProcess(['query', '--db', target.target, '-f', 'csv', sql]);
  assert.equal(csv.stdout, 'image_id,name\nami-0b0000000000000a1,dev-base\nami-0b0000000000000a2,dev-app\n');
  const table = await inProcess(['query', '--db', target.target, sql]);
  assert.match(table.stdout, /^image_id {15}name\n-{21} {2}-{8}\nami-0b0000000000000a1 {2}dev-base\n/);
  assert.match(table.stdout, /\(2 rows\)\n$/);
});

test('collect through the CLI records a run and prints its summary line', async () => {
  const r = await inProcess(
    [
      'collect',
      '--endpoint',
      sim.url,
      '--db',
      target.target,
      '--organizations',
      '--regions',
      'us-east-1',
      '-q',
    ],
    {
      ...root,
      AWS_REGION: 'us-east-1',
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^run run-\S+: ok, 3\/3 scopes, \d+ images, \d+ API calls/);
  baseline = await storeState();
});

test('collect takes accounts and regions from the config file and assumes the role in each', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const cfg = join(mkdtempSync(join(tmpdir(), 'amw-cfg-')), 'amiwarden.yml');
  writeFileSync(
    cfg,
    `collect:\n  accounts: ['${DEV}']\n  regions: [eu-west-1]\n  role_name: OrganizationAccountAccessRole\n`,
  );
  const r = await inProcess(
    ['collect', '--endpoint', sim.url, '--db', target.target, '--config', cfg, '-q'],
    {
      ...root,
      AWS_REGION: 'us-east-1',
    },
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /: ok, 1\/1 scopes, 1 images/);
  const store = await openStore(target.target, { readOnly: true, migrate: false });
  try {
    const run = await store.db
      .selectFrom('collection_runs')
      .selectAll()
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    const scopes = await store.db
      .selectFrom('collection_scopes')
      .selectAll()
      .where('run_id', '=', run.run_id)
      .execute();
    assert.deepEqual(
      scopes.map((s) => [s.account_id, s.region, s.status]),
      [[DEV, 'eu-west-1', 'ok']],
    );
    const acct = await store.db
      .selectFrom('accounts')
      .selectAll()
      .where('account_id', '=', DEV)
      .executeTakeFirstOrThrow();
    assert.equal(acct.role_arn, `arn:aws:iam::${DEV}:role/OrganizationAccountAccessRole`);
  } finally {
    await store.close();
  }
  baseline = await storeState();
});
