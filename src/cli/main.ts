import { Command, CommanderError } from 'commander';
import { AmwError, messageOf } from '../errors.ts';
import { COMMANDS } from './commands/index.ts';

/** Exit codes: 0 ok, 1 findings/violations above the threshold, 2 error. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

export class ExitCode {
  constructor(readonly code: number) {}
}

/**
 * Builds the CLI. With `only`, just that command's module is loaded (start-up stays fast: each
 * module pulls in its stage); without it, every command is loaded so help can list them all.
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('amiwarden')
    .description('Keep Amazon Machine Images safe: inventory, policies, workflows and image scans.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  const names = only && Object.hasOwn(COMMANDS, only) ? [only] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!()).register(program);
  return program;
}

/** Runs the CLI and returns the process exit code; every failure becomes one clear line on stderr. */
export async function main(argv: string[]): Promise<number> {
  const program = await buildProgram(argv[2]);
  for (const sub of program.commands) sub.exitOverride();
  try {
    await program.parseAsync(argv);
    // Commands report their outcome through process.exitCode; hand it back once and clear it so
    // in-process callers (tests) do not inherit an earlier command's code.
    const code = typeof process.exitCode === 'number' ? process.exitCode : EXIT_OK;
    process.exitCode = undefined;
    return code;
  } catch (err) {
    if (err instanceof ExitCode) return err.code;
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
        return EXIT_OK;
      return EXIT_ERROR;
    }
    if (err instanceof AmwError) {
      process.stderr.write(`amiwarden: error: ${err.toLine()}\n`);
      if (process.env.AMIWARDEN_DEBUG && err.cause)
        process.stderr.write(`${String((err.cause as Error).stack ?? err.cause)}\n`);
      return EXIT_ERROR;
    }
    process.stderr.write(`amiwarden: error: AMW_INTERNAL: ${messageOf(err)}\n`);
    if (process.env.AMIWARDEN_DEBUG) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return EXIT_ERROR;
  }
}
