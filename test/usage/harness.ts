// The estate `amiwarden usage` is tested on (test/fixtures/seeds/usage-explain.yml): the simulator
// serves the seed, the real collector stores it in a fresh SQLite or PostgreSQL store, and the CLI
// explains it in-process. One estate per target per test file.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startSimulator } from '../../src/sim/index.ts';
import type { RunningSimulator } from '../../src/sim/index.ts';
import { runCli } from '../../src/cli/testing.ts';
import type { StoreTarget } from '../../src/store/testing.ts';
import type { UsageReportSet } from '../../src/store/queries/usage-explain.ts';
import { collectOnce } from '../collect/harness.ts';

export const SEED = fileURLToPath(new URL('../fixtures/seeds/usage-explain.yml', import.meta.url));
export const NOW = '2026-11-01T00:00:00.000Z';
export const OWNER = '500000000002';
export const APP = '500000000003';
export const PARTNER = '500000000009';
export const ami = (n: string): string => `ami-0d0000000000000b${n}`;

export type Row = [
  kind: string,
  ref: string,
  account: string,
  state: string,
  inUse: boolean,
  stale?: boolean,
];

export interface UsageEstate {
  readonly sim: RunningSimulator;
  readonly fresh: Awaited<ReturnType<StoreTarget['fresh']>>;
  /** `amiwarden usage --db <store> --now NOW ...args`; asserts exit 0, returns stdout. */
  usage(...args: string[]): Promise<string>;
  json(...args: string[]): Promise<UsageReportSet>;
  /** The references of one image as rows; `stale` appears only when true. */
  refsOf(id: string): Promise<Row[]>;
}

/** Registers before/after hooks that open the estate for the enclosing describe(). */
export function withUsageEstate(target: StoreTarget): UsageEstate {
  let sim: RunningSimulator | undefined;
  let fresh: Awaited<ReturnType<StoreTarget['fresh']>> | undefined;
  before(async () => {
    sim = await startSimulator({ seed: SEED, port: 0 });
    fresh = await target.fresh();
    const run = await collectOnce(sim, fresh.store, { clock: () => new Date(NOW) });
    assert.equal(run.status, 'ok');
  });
  after(async () => {
    await fresh?.dispose();
    await sim?.close();
  });
  const estate: UsageEstate = {
    get sim() {
      if (!sim) throw new Error('the estate opens in before()');
      return sim;
    },
    get fresh() {
      if (!fresh) throw new Error('the estate opens in before()');
      return fresh;
    },
    async usage(...args) {
      const r = await runCli(['usage', '--db', estate.fresh.target, '--now', NOW, ...args]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    },
    async json(...args) {
      return JSON.parse(await estate.usage('-f', 'json', ...args)) as UsageReportSet;
    },
    async refsOf(id) {
      return (await estate.json(id)).images[0]!.references.map((r) => [
        r.kind,
        r.ref_id,
        r.account_id,
        r.state,
        r.in_use,
        ...(r.stale ? [true] : []),
      ]) as Row[];
    },
  };
  return estate;
}
