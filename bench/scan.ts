// Scan benchmark: the full scan of a real root tree (the debootstrap Debian 12 root by default)
// against a bare `find` walk of the same tree, the floor for checks that must see every inode.
// Usage: node --import tsx bench/scan.ts [ROOT] [--runs N]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadCheckSet } from '../src/scan/checks/loader.ts';
import { scanVfs } from '../src/scan/scan-image.ts';
import { DirVfs } from '../src/scan/vfs/dir-vfs.ts';
import { walkTree } from '../src/scan/vfs/walk.ts';

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
const root =
  args.find((a, i) => !a.startsWith('--') && i !== runsAt + 1) ??
  process.env.AMW_TEST_DEBIAN_ROOT ??
  '/var/cache/amiwarden-test/debian12-root';
if (!existsSync(root)) {
  console.error(
    `bench/scan: ${root} does not exist; build it with \`npm test -- debootstrap\` or pass a root`,
  );
  process.exit(2);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timeIt(fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn(); // warm the page cache and the module cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

let entries = 0;
const findMs = await timeIt(() => {
  const r = spawnSync('find', [root], { stdio: ['ignore', 'ignore', 'ignore'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`find exited ${r.status}`);
});
const walkMs = await timeIt(async () => {
  const s = await walkTree(new DirVfs(root), '/', () => undefined, { skipDirs: [] });
  entries = s.entries;
});
const checkSet = loadCheckSet({ onProblem: () => undefined });
let summary = '';
const scanMs = await timeIt(async () => {
  const r = await scanVfs(new DirVfs(root), {}, checkSet);
  const pkgs = r.packages.status === 'ok' ? r.packages.packages.length : 0;
  summary = `${r.os.prettyName}, ${pkgs} packages, ${r.counts.total} controls (${r.counts.pass} pass, ${r.counts.fail} fail, ${r.counts.manual} manual, ${r.counts.error} error), ${r.completeness}`;
});

console.log(`root:            ${root} (${entries} entries)`);
console.log(`scan result:     ${summary}`);
console.log(`find (bare walk): ${findMs.toFixed(0)} ms   (median of ${runs})`);
console.log(`amiwarden walk:  ${walkMs.toFixed(0)} ms   ratio to find ${(walkMs / findMs).toFixed(1)}x`);
console.log(`amiwarden scan:  ${scanMs.toFixed(0)} ms   ratio to find ${(scanMs / findMs).toFixed(1)}x`);
