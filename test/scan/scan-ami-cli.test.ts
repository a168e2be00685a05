import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { openStore } from '../../src/store/db.ts';
import type { ScanTables } from '../../src/scan/store/scan-tables.ts';
import { credentialsOf, startSimulator } from '../../src/sim/index.ts';
import { makeExt4 } from '../helpers/disk-images.ts';
import { diskSkip } from '../helpers/variant-check.ts';

const CLI = fileURLToPath(new URL('../../bin/amiwarden.js', import.meta.url));
const SEED = fileURLToPath(new URL('../fixtures/seeds/ami-scan-cli.yml', import.meta.url));
const SCANNER = '730000000001';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI without blocking this process: the simulator answers from the same event loop. */
function run(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A bare ext4 root, small enough to build in a moment: Debian 12 with a credential file left behind. */
async function smallRoot(work: string): Promise<void> {
  const tree = join(work, 'tree');
  const uuid = '0a1b2c3d-0000-4000-8000-000000000731';
  for (const d of ['etc', 'root', 'var/lib/dpkg']) await mkdir(join(tree, d), { recursive: true });
  await writeFile(join(tree, 'etc/os-release'), 'NAME="Debian GNU/Linux"\nID=debian\nVERSION_ID="12"\n');
  await writeFile(join(tree, 'etc/fstab'), `UUID=${uuid} / ext4 defaults 0 1\n`);
  await writeFile(
    join(tree, 'var/lib/dpkg/status'),
    'Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n',
  );
  await writeFile(join(tree, 'root/.netrc'), 'machine a login b password c\n');
  await makeExt4(tree, join(work, 'root.raw'), { sizeMiB: 8, uuid });
}

test(
  'scan ami: stores under the AMI; an unreadable image is stored and reported as unscannable, exit 3',
  { skip: diskSkip },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-ami-cli-'));
    // The simulator reads snapshot content only when a block is asked for: root.raw is built meanwhile.
    await copyFile(SEED, join(work, 'seed.yml'));
    const sim = await startSimulator({ seed: join(work, 'seed.yml') });
    try {
      const cfg = sim.clientConfig('us-east-1', credentialsOf(sim.state, SCANNER));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: work,
        AWS_ENDPOINT_URL: cfg.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: cfg.credentials.accessKeyId,
        AWS_SECRET_ACCESS_KEY: cfg.credentials.secretAccessKey,
        AWS_MAX_ATTEMPTS: '1',
      };
      const cwd = join(work, 'cwd');
      await mkdir(cwd);
      const db = join(work, 'store.db');

      // The unscannable runs read no block and are independent: run together, beside the disk build.
      const [market, key, sarif] = await Promise.all([
        run(['scan', 'ami:ami-07300000000000002', '--db', db, '-f', 'json'], env, cwd),
        run(['scan', 'ami:ami-07300000000000003'], env, cwd),
        run(
          ['scan', 'ami:ami-07300000000000003', '--fail-on', 'critical', '--exit-code', '7', '-f', 'sarif'],
          env,
          cwd,
        ),
        smallRoot(work),
      ]);

      // Marketplace image, stored (an explicit --db names the store), JSON says unscannable.
      assert.equal(market.code, 3, market.stderr);
      const json = JSON.parse(market.stdout) as Record<string, unknown>;
      assert.equal(json.completeness, 'unscannable');
      assert.equal(json.imageId, 'ami-07300000000000002');
      assert.match(String(json.reason), /AWS Marketplace product prod-amw0000003/);
      assert.equal(json.controls, undefined, 'no empty control list that reads as clean');
      assert.match(market.stderr, /^ami-07300000000000002: unscannable: .*Marketplace/m);
      assert.doesNotMatch(market.stderr, /error:/);

      // No store named and none in the working directory: reported, nothing created.
      assert.equal(key.code, 3, key.stderr);
      assert.match(key.stdout, /^ami-07300000000000003: unscannable: snapshot snap-07300000000000004 .*KMS/);
      assert.equal(existsSync(join(cwd, 'amiwarden.db')), false);

      // --fail-on cannot turn it into 0 or 1; SARIF says the run did not execute (other formats: src/scan/report/unscannable.test.ts).
      assert.equal(sarif.code, 3);
      const run0 = (JSON.parse(sarif.stdout) as { runs: Array<Record<string, unknown>> }).runs[0]!;
      const inv = (run0.invocations as Array<Record<string, unknown>>)[0]!;
      assert.equal(inv.executionSuccessful, false);
      assert.match(
        JSON.stringify(inv.toolExecutionNotifications),
        /unscannable: snapshot snap-07300000000000004/,
      );
      // A readable image: scanned through the EBS direct API and stored under its own id by default.
      const ok = await run(
        ['scan', 'ami:ami-07300000000000001', '--db', db, '--checks', 'hygiene', '-f', 'json'],
        env,
        cwd,
      );
      assert.equal(ok.code, 0, ok.stderr);
      const okJson = JSON.parse(ok.stdout) as {
        completeness: string;
        controls: Array<{ verdict: { status: string }; rules: Array<{ ruleId: string }> }>;
      };
      assert.equal(okJson.completeness, 'complete', JSON.stringify(okJson.completeness));
      // The image's own file was read through the EBS direct API: the credential file is found.
      assert.ok(
        okJson.controls.some(
          (c) => c.verdict.status === 'fail' && c.rules.some((r) => r.ruleId === 'credential-files-absent'),
        ),
      );
      assert.match(ok.stderr, /stored for ami-07300000000000001/);

      const store = await openStore(db);
      try {
        const rows = await (store.db as unknown as Kysely<ScanTables>)
          .selectFrom('scans')
          .select(['image_id', 'completeness', 'gaps', 'source'])
          .orderBy('image_id')
          .execute();
        assert.deepEqual(
          rows.map((r) => [r.image_id, r.completeness]),
          [
            ['ami-07300000000000001', 'complete'],
            ['ami-07300000000000002', 'unscannable'],
          ],
        );
        assert.match(rows[1]!.gaps, /"part":"source","reason":"AWS Marketplace product prod-amw0000003/);
        assert.equal(rows[1]!.source, 'ami:ami-07300000000000002');
      } finally {
        await store.close();
      }
    } finally {
      await sim.close();
      await rm(work, { recursive: true, force: true });
    }
  },
);
