// The estate simulator for bench/snapshot on its own thread: its request handling (block reads,
// checksums, the latency timers) then never waits behind the scanner's CPU work, so the time the
// scan spends waiting for blocks is the network's, not the event loop's.
import { parentPort, workerData } from 'node:worker_threads';
import { credentialsOf, startSimulator } from '../src/sim/index.ts';
import type { EstateSeed } from '../src/sim/index.ts';

const { seed, latencyMs, account } = workerData as { seed: EstateSeed; latencyMs: number; account: string };
const sim = await startSimulator({ seed, faults: { latencyMs } });
parentPort!.postMessage(sim.clientConfig('us-east-1', credentialsOf(sim.state, account)));
parentPort!.once('message', () => {
  void sim.close().then(() => process.exit(0));
});
