// One estate per test file: the simulator started from a seed, collected through the real CLI
// into a fresh SQLite store, and torn down after the file's tests.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SIM_ROOT_CREDENTIALS, startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { main } from '../../src/cli/main.ts';
import type { AuditRow } from '../../src/policy/audit.ts';

export interface EstateOptions {
  /** `--now` of every `run()`: the seeds date their images against a fixed day. */
  now?: string;
  /** More preparation once the estate is collected (receivers, config files, a first run). */
  setup?: (estate: CollectedEstate) => Promise<void> | void;
}

export interface CollectedEstate {
  readonly sim: RunningSimulator;
  /** A scratch directory removed with the estate. */
  readonly dir: string;
  readonly db: string;
  /** `--db <store> --endpoint <simulator>`, for commands spelled out in full. */
  readonly targetArgs: string[];
  /** Runs `amiwarden <args>` in-process. */
  cli(...args: string[]): Promise<number>;
  /** `amiwarden collect --organizations`; throws unless it exits 0. */
  collect(): Promise<void>;
  /** `amiwarden run -p <policies>` against this store and simulator, quietly, at the estate's `now` if set. */
  run(policies: string, ...extra: string[]): Promise<number>;
  /** A read-only query of the store file. */
  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  audit(policy?: string): AuditRow[];
  /** Writes `text` to a file in the scratch directory and returns its path. */
  write(name: string, text: string): string;
}

class Estate implements CollectedEstate {
  #sim: RunningSimulator | undefined;
  #dir: string | undefined;

  constructor(private readonly opts: EstateOptions) {}

  async open(seed: string): Promise<void> {
    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: SIM_ROOT_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: SIM_ROOT_CREDENTIALS.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    this.#sim = await startSimulator({ seed, port: 0 });
    this.#dir = mkdtempSync(join(tmpdir(), 'amw-estate-'));
    await this.collect();
    await this.opts.setup?.(this);
  }

  async close(): Promise<void> {
    await this.#sim?.close();
    if (this.#dir) rmSync(this.#dir, { recursive: true, force: true });
  }

  get sim(): RunningSimulator {
    if (!this.#sim) throw new Error('the estate opens in before(): use it inside hooks and tests');
    return this.#sim;
  }

  get dir(): string {
    if (!this.#dir) throw new Error('the estate opens in before(): use it inside hooks and tests');
    return this.#dir;
  }

  get db(): string {
    return join(this.dir, 'amiwarden.db');
  }

  get targetArgs(): string[] {
    return ['--db', this.db, '--endpoint', this.sim.url];
  }

  cli(...args: string[]): Promise<number> {
    // main() reports process.exitCode when set; one command's code must not leak into the next.
    process.exitCode = undefined;
    return main(['node', 'amiwarden', ...args]);
  }

  async collect(): Promise<void> {
    const rc = await this.cli('collect', ...this.targetArgs, '--organizations', '--quiet');
    if (rc !== 0) throw new Error(`collect exited ${rc}`);
  }

  run(policies: string, ...extra: string[]): Promise<number> {
    const now = this.opts.now ? ['--now', this.opts.now] : [];
    return this.cli('run', '-p', policies, ...this.targetArgs, ...now, '--quiet', ...extra);
  }

  query<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    const h = new Database(this.db, { readonly: true });
    try {
      return h.prepare(sql).all(...params) as T[];
    } finally {
      h.close();
    }
  }

  audit(policy?: string): AuditRow[] {
    const rows = this.query<Record<string, string>>(
      `select * from policy_audit ${policy ? 'where policy = ?' : ''} order by rowid`,
      ...(policy ? [policy] : []),
    );
    return rows.map((r) => ({
      runId: r.run_id ?? '',
      time: r.time ?? '',
      policy: r.policy ?? '',
      group: r.group_name ?? '',
      accountId: r.account_id ?? '',
      region: r.region ?? '',
      resourceId: r.resource_id ?? '',
      action: r.action ?? '',
      outcome: r.outcome as AuditRow['outcome'],
      reason: r.reason ?? '',
    }));
  }

  write(name: string, text: string): string {
    const file = join(this.dir, name);
    writeFileSync(file, text);
    return file;
  }
}

/**
 * Registers before/after hooks: the estate is simulated and collected before the file's tests
 * and closed after them. Node 20 starts a file's top-level before() hooks together, so a second
 * hook cannot count on the estate: what needs it goes in `setup`.
 */
export function withCollectedEstate(seed: string, opts: EstateOptions = {}): CollectedEstate {
  const estate = new Estate(opts);
  before(() => estate.open(seed));
  after(() => estate.close());
  return estate;
}
