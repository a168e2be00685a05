// Runs the disk mutation loop in its own thread for test/disk/fuzz.test.ts. Inside node:test the
// runner's async hooks (init + destroy for every promise) make this promise-heavy loop about
// twice as costly in CPU and several times slower in wall time; a Worker has its own isolate
// without those hooks. Entered through `runFuzzInWorker` in disk-fuzz.ts, which registers tsx.
import { parentPort, workerData } from 'node:worker_threads';
import type { BlockDevice } from '../../src/scan/disk/block-device.ts';
import { openDiskFile } from '../../src/scan/sources/file-source.ts';
import type { FuzzJob, FuzzJobResult } from './disk-fuzz.ts';
import { PatchedDevice, exercise, fuzzImage } from './disk-fuzz.ts';

const openFormat = async (file: BlockDevice): Promise<BlockDevice> => (await openDiskFile(file)).disk;

for (const job of workerData as FuzzJob[]) {
  const image = Buffer.from(job.image.buffer, job.image.byteOffset, job.image.byteLength);
  const open = job.format ? openFormat : undefined;
  const clean = await exercise(new PatchedDevice(image, [], image.length, Infinity), open);
  const report = await fuzzImage(image, job.cases, job.seed, job.readBudget, open);
  const result: FuzzJobResult = { name: job.name, clean, report };
  parentPort!.postMessage(result);
}
