// Policy engine benchmark: N images (default 100k) in a SQLite store, 20 policies evaluated in one
// process (the six Custodian examples among them), against a plain full read of the images table.
// Usage: node --import tsx bench/policy.ts [--images N]
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openStore } from '../src/store/db.ts';
import { loadInventory } from '../src/policy/store-inventory.ts';
import { compileAll, runAll } from '../src/policy/engine.ts';
import { parsePolicies } from '../src/policy/loader.ts';
import { MemoryAudit } from '../src/policy/audit.ts';
import { DEFAULT_GROUP } from '../src/policy/config.ts';
import type { ImageEffects } from '../src/policy/effects.ts';

const argIndex = process.argv.indexOf('--images');
const N = argIndex > 0 ? Number(process.argv[argIndex + 1]) : 100_000;
const NOW = new Date('2026-11-01T00:00:00Z');
const ACCOUNTS = Array.from({ length: 20 }, (_, i) => String(300000000001 + i));
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

const EXTRA_POLICIES = `policies:
  - { name: b-public, resource: aws.ami, filters: [{ Public: true }] }
  - { name: b-name-regex, resource: aws.ami, filters: [{ type: value, key: Name, op: regex, value: "app-1.*" }] }
  - { name: b-name-glob, resource: aws.ami, filters: [{ type: value, key: Name, op: glob, value: "*-7?" }] }
  - { name: b-team-in, resource: aws.ami, filters: [{ type: value, key: "tag:team", op: in, value: [t1, t3] }] }
  - { name: b-encrypted, resource: aws.ami, filters: [{ type: encrypted, value: false }] }
  - { name: b-in-use-running, resource: aws.ami, filters: [{ type: in-use, kinds: [instance], instance-states: [running] }] }
  - { name: b-last-launched, resource: aws.ami, filters: [{ type: last-launched, days: 180 }] }
  - name: b-attr
    resource: aws.ami
    filters: [{ type: image-attribute, attribute: lastLaunchedTime, key: Value, op: gt, value_type: age, value: 90 }]
  - { name: b-marked, resource: aws.ami, filters: [{ type: marked-for-op, op: deregister }] }
  - { name: b-shared-out, resource: aws.ami, filters: [{ type: cross-account, whitelist: ["300000000001"] }] }
  - name: b-bool
    resource: aws.ami
    filters:
      - or:
          - and: [{ "tag:env": dev }, { type: image-age, days: 60 }]
          - not: [{ type: unused }]
  - { name: b-expiring, resource: aws.ami, filters: [{ type: value, key: DeprecationTime, op: lt, value_type: expiration, value: 30 }] }
  - { name: b-trusted, resource: aws.ami, filters: [{ type: trusted-source, owners: ["300000000001"], value: false }] }
  - name: b-jmespath
    resource: aws.ami
    filters: [{ type: value, key: "length(BlockDeviceMappings[?Ebs.VolumeSize > \`50\`])", op: gt, value: 0 }]
`;

function fill(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const seen = '2026-10-31T00:00:00Z';
  const img = db.prepare(`insert into images (image_id, region, owner_id, name, state, public, creation_date,
    deprecation_time, last_launched_time, tags, product_codes, discovered_via, describable, owner_collected,
    owner_facts, seen_by_account, raw, first_seen, last_seen) values (?,?,?,?,?,?,?,?,?,?,'[]','owner',1,1,'known',?,?,?,?)`);
  const inst =
    db.prepare(`insert into instances (instance_id, account_id, region, image_id, state, launch_time, tags,
    first_seen, last_seen) values (?,?,?,?,?,?,'[]',?,?)`);
  const perm = db.prepare(
    `insert into launch_permissions (image_id, kind, value, first_seen, last_seen) values (?,?,?,?,?)`,
  );
  const acct = db.prepare(
    `insert into accounts (account_id, source, first_seen, last_seen) values (?, 'config', ?, ?)`,
  );
  db.transaction(() => {
    for (const a of ACCOUNTS) acct.run(a, seen, seen);
    for (let i = 0; i < N; i++) {
      const id = `ami-${i.toString(16).padStart(17, '0')}`;
      const owner = ACCOUNTS[i % ACCOUNTS.length] as string;
      const region = REGIONS[i % REGIONS.length] as string;
      const created = new Date(NOW.getTime() - (i % 700) * 86_400_000).toISOString();
      const tags = [
        { Key: 'env', Value: ['dev', 'stage', 'prod'][i % 3] },
        { Key: 'team', Value: `t${i % 7}` },
        ...(i % 11 === 0 ? [{ Key: 'lifecycle', Value: 'deprecated' }] : []),
        ...(i % 13 === 0 ? [{ Key: 'owner', Value: 'x' }] : []),
        ...(i % 17 === 0
          ? [{ Key: 'maid_status', Value: 'Resource does not meet policy: deregister@2026/10/01' }]
          : []),
      ];
      const raw = {
        ImageId: id,
        Name: `app-${i}`,
        Architecture: 'x86_64',
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: {
              SnapshotId: `snap-${i.toString(16).padStart(17, '0')}`,
              VolumeSize: 8 + (i % 100),
              Encrypted: i % 4 === 0,
            },
          },
        ],
      };
      const lastLaunched =
        i % 5 === 0 ? null : new Date(NOW.getTime() - (i % 400) * 86_400_000).toISOString();
      img.run(
        id,
        region,
        owner,
        `app-${i}`,
        'available',
        i % 50 === 0 ? 1 : 0,
        created,
        i % 9 === 0 ? new Date(NOW.getTime() + (i % 60) * 86_400_000).toISOString() : null,
        lastLaunched,
        JSON.stringify(tags),
        owner,
        JSON.stringify(raw),
        seen,
        seen,
      );
      if (i % 3 === 0)
        inst.run(
          `i-${i.toString(16).padStart(17, '0')}`,
          owner,
          region,
          id,
          i % 6 === 0 ? 'running' : 'terminated',
          created,
          seen,
          seen,
        );
      if (i % 10 === 0) perm.run(id, 'account', ACCOUNTS[(i + 1) % ACCOUNTS.length], seen, seen);
    }
  })();
  db.close();
}

const noEffects: ImageEffects = new Proxy({} as ImageEffects, {
  get: () => async () => {
    throw new Error('the benchmark runs under --dryrun');
  },
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'amw-bench-policy-'));
  const file = join(dir, 'amiwarden.db');
  try {
    (await openStore(file)).close();
    let t = performance.now();
    fill(file);
    console.log(`filled ${N} images in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const store = await openStore(file, { readOnly: true });
    const examples = new URL('../test/fixtures/policies/custodian/', import.meta.url).pathname;
    const sources = [
      ...readdirSync(examples)
        .filter((f) => f.endsWith('.yml'))
        .sort()
        .flatMap((f) => parsePolicies(f, readFileSync(join(examples, f), 'utf8'))),
      ...parsePolicies('bench.yml', EXTRA_POLICIES),
    ];
    const policies = await compileAll(sources, [DEFAULT_GROUP]);

    t = performance.now();
    const rows = await store.db.selectFrom('images').selectAll().execute();
    const read = performance.now() - t;

    t = performance.now();
    const inventory = await loadInventory(store.db);
    const load = performance.now() - t;
    t = performance.now();
    const audit = new MemoryAudit();
    const runs = [];
    const each: number[] = [];
    for (const p of policies) {
      const t0 = performance.now();
      runs.push(
        ...(await runAll([p], inventory, {
          runId: 'bench',
          now: NOW,
          dryrun: true,
          audit,
          effects: () => noEffects,
        })),
      );
      each.push(performance.now() - t0);
    }
    const evaluate = performance.now() - t;
    await store.close();

    console.log(
      `policies: ${policies.length} (${sources.length - 14} Custodian examples + 14), images read: ${rows.length}`,
    );
    runs.forEach((r, i) =>
      console.log(
        `  ${r.policy.padEnd(24)} matched ${String(r.resources.length).padStart(6)}  ${(each[i] ?? 0).toFixed(0).padStart(6)} ms`,
      ),
    );
    console.log(`plain full read of images:  ${read.toFixed(0)} ms`);
    console.log(`load inventory (+usage, perms, mappings): ${load.toFixed(0)} ms`);
    console.log(
      `evaluate ${policies.length} policies (dryrun, ${audit.rows.length} audit rows): ${evaluate.toFixed(0)} ms`,
    );
    console.log(
      `total / plain read: ${((load + evaluate) / read).toFixed(2)}x  (evaluation alone: ${(evaluate / read).toFixed(2)}x)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
