import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { AmwError } from '../errors.ts';
import { accountCredentials, SIM_ROOT_CREDENTIALS } from './credentials.ts';
import type { SimCredentials } from './credentials.ts';
import { FaultInjector } from './faults.ts';
import type { FaultOptions } from './faults.ts';
import { buildSeedContents } from './seed/content-tree.ts';
import { loadSeedFile, SeedIssue, seedIssueError } from './seed/load.ts';
import type { LoadedSeed } from './seed/load.ts';
import type { EstateSeed } from './seed/schema.ts';
import { createSimServer } from './server.ts';
import { EstateState } from './state/estate.ts';
import { buildEstate } from './state/from-seed.ts';

export type { FaultOptions } from './faults.ts';
export type { EstateSeed } from './seed/schema.ts';
export type { SimCredentials } from './credentials.ts';
export { EstateState } from './state/estate.ts';
export { SIM_ROOT_CREDENTIALS, accountCredentials } from './credentials.ts';
export { loadSeedFile, parseSeedText } from './seed/load.ts';

export interface SimulatorOptions {
  /** A seed file path, a seed object, or an estate built in memory (synthetic estates). */
  seed: string | EstateSeed | EstateState;
  /** 0 (the default) picks a free port. */
  port?: number;
  faults?: FaultOptions;
  /** The estate clock; defaults to the seed's fixed `now`. */
  now?: () => Date;
}

export interface RunningSimulator {
  url: string;
  port: number;
  /** The live, mutable estate. */
  state: EstateState;
  setFaults(f: FaultOptions): void;
  /** Calls received, by `service:Action` (e.g. "ec2:DescribeImages"), faulted ones included. */
  callCounts(): Record<string, number>;
  resetCallCounts(): void;
  /** Options for an AWS SDK v3 client that talks to this simulator (root credentials by default). */
  clientConfig(
    region: string,
    credentials?: SimCredentials,
  ): { endpoint: string; region: string; credentials: SimCredentials };
  close(): Promise<void>;
}

/** Loads and builds an estate from a seed file; errors name the file and line. */
export async function loadEstate(file: string): Promise<EstateState> {
  const loaded = await loadSeedFile(file);
  return estateFrom(loaded.seed, loaded);
}

async function estateFrom(seed: EstateSeed, loaded: LoadedSeed | undefined): Promise<EstateState> {
  const contents = await buildSeedContents(seed, loaded ? dirname(loaded.file) : process.cwd());
  try {
    return buildEstate(seed, loaded?.file, contents);
  } catch (err) {
    if (err instanceof SeedIssue) throw seedIssueError(err, loaded);
    throw err;
  }
}

export async function startSimulator(opts: SimulatorOptions): Promise<RunningSimulator> {
  const state =
    opts.seed instanceof EstateState
      ? opts.seed
      : typeof opts.seed === 'string'
        ? await loadEstate(opts.seed)
        : await estateFrom(opts.seed, undefined);
  if (opts.now) {
    const now = opts.now;
    state.now = () => now().getTime();
  }
  const faults = new FaultInjector(opts.faults ?? {});
  const { server, counts } = createSimServer(state, faults);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new AmwError('AMW_USAGE', `simulator cannot listen on port ${opts.port ?? 0}: ${err.message}`, {
          cause: err,
        }),
      ),
    );
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    state,
    setFaults: (f) => faults.set(f),
    callCounts: () => Object.fromEntries([...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))),
    resetCallCounts: () => counts.clear(),
    clientConfig: (region, credentials = { ...SIM_ROOT_CREDENTIALS }) => ({
      endpoint: url,
      region,
      credentials,
    }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** The credentials of one estate account (as the seed gives them, or derived from its id). */
export function credentialsOf(state: EstateState, accountId: string): SimCredentials {
  const acct = state.accounts.get(accountId);
  if (!acct) return accountCredentials(accountId);
  return { accessKeyId: acct.accessKeyId, secretAccessKey: acct.secretAccessKey };
}
