// Test support: run `amiwarden ...` in the test's own process, so commands load once and a
// call costs milliseconds instead of a child process start.
import { main } from './main.ts';

export interface CliRun {
  readonly code: number;
  /** What the command printed with console.log (its results). */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one command line and captures its output, with `env` set for the call only. process.stdout
 * itself is left alone: the test runner reports through it, and commands print their results with
 * console.log.
 */
export async function runCli(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  const err = process.stderr.write.bind(process.stderr);
  const log = console.log;
  process.stderr.write = ((s: string) => ((stderr += s), true)) as typeof process.stderr.write;
  console.log = (...a: unknown[]) => void (stdout += `${a.join(' ')}\n`);
  // A failed test earlier in the file sets process.exitCode, and main() would read it as this
  // command's outcome; the runner's value is put back afterwards.
  const runnerExitCode = process.exitCode;
  process.exitCode = undefined;
  try {
    return { code: await main(['node', 'amiwarden', ...args]), stdout, stderr };
  } finally {
    process.exitCode = runnerExitCode;
    process.stderr.write = err;
    console.log = log;
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
