import type { Command } from 'commander';

/** A CLI command module: one file per command, listed below in name order. */
export interface CommandModule {
  readonly name: string;
  register(program: Command): void;
}

type Loader = () => Promise<CommandModule>;

// Sorted by name; lazy so that `amiwarden query` does not load the scanner or the server.
export const COMMANDS: Readonly<Record<string, Loader>> = {
  version: async () => (await import('./version.ts')).command,
};
