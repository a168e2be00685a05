// The long run of the disk mutation loop: `npx tsx bench/disk-fuzz.ts [cases-per-disk] [seed]`.
// Builds the two fuzz disks (GPT + ext4 + XFS /var; MBR + extended + ext2 + LVM with an XFS root)
// and, when qemu-img is installed, their qcow2 (compressed, 4 KiB clusters) and streamOptimized
// VMDK copies; mutates the structures a clean scan reads (for the copies: the format's tables,
// markers and compressed clusters too), and prints the outcome counts, throughput, the slowest
// case and peak heap. Exits 1 if any case ended in something other than a result or a clear
// error (AmwError / VfsError).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BlockDevice } from '../src/scan/disk/block-device.ts';
import { openDiskFile } from '../src/scan/sources/file-source.ts';
import { qemuImgMissing } from '../test/helpers/disk-images.ts';
import { buildFuzzFormatImages, buildFuzzImages } from '../test/helpers/fuzz-images.ts';
import type { OpenDisk } from '../test/helpers/disk-fuzz.ts';
import { fuzzImage } from '../test/helpers/disk-fuzz.ts';

const cases = Number(process.argv[2] ?? 50_000);
const seed = Number(process.argv[3] ?? 20_240_102);
const work = await mkdtemp(join(tmpdir(), 'amw-bench-fuzz-'));
let failed = false;
try {
  const openFormat: OpenDisk = async (file: BlockDevice) => (await openDiskFile(file)).disk;
  const images: [string, Buffer, OpenDisk | undefined][] = Object.entries(await buildFuzzImages(work)).map(
    ([name, image]) => [name, image, undefined],
  );
  const noQemu = qemuImgMissing();
  if (noQemu) console.log(`qcow2/VMDK copies left out: ${noQemu}`);
  else {
    for (const [name, image] of Object.entries(await buildFuzzFormatImages(work))) {
      images.push([name, image, openFormat]);
    }
  }
  for (const [name, image, open] of images) {
    const t0 = performance.now();
    const report = await fuzzImage(image, cases, seed + name.length, 50_000, open);
    const secs = (performance.now() - t0) / 1000;
    console.log(
      JSON.stringify({
        disk: name,
        cases,
        seconds: Number(secs.toFixed(1)),
        casesPerSecond: Math.round(cases / secs),
        maxCaseMs: Math.round(report.maxCaseMs),
        maxReads: report.maxReads,
        peakHeapMiB: Math.round(report.peakHeapMiB),
        outcomes: report.outcomes,
        unclear: report.failures.length,
      }),
    );
    for (const f of report.failures.slice(0, 5)) console.log(`case ${f.case}: ${f.message}`);
    failed ||= report.failures.length > 0;
  }
} finally {
  await rm(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
