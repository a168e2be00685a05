// Runs several `amiwarden` invocations in one process (commands load once) and prints, as JSON,
// each one's exit code and output. Used by cli.test.ts; argv: one JSON array of argument arrays.
import { main } from '../../src/cli/main.ts';

const calls = JSON.parse(process.argv[2] ?? '[]') as string[][];
const results: Array<{ code: number; out: string; err: string }> = [];
const real = {
  out: process.stdout.write.bind(process.stdout),
  err: process.stderr.write.bind(process.stderr),
};
for (const args of calls) {
  const out: string[] = [];
  const err: string[] = [];
  process.stdout.write = ((chunk: string | Uint8Array) =>
    out.push(String(chunk)) > 0) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) =>
    err.push(String(chunk)) > 0) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(['node', 'amiwarden', ...args]);
  } finally {
    process.stdout.write = real.out as typeof process.stdout.write;
    process.stderr.write = real.err as typeof process.stderr.write;
    process.exitCode = undefined;
  }
  results.push({ code, out: out.join(''), err: err.join('') });
}
real.out(JSON.stringify(results));
