import type { Command } from 'commander';

/** A CLI command module: one file per command, listed below in name order. */
export interface CommandModule {
  readonly name: string;
  register(program: Command): void;
}

type Loader = () => Promise<CommandModule>;

// Sorted by name; lazy so that `amiwarden query` does not load the scanner or the server.
export const COMMANDS: Readonly<Record<string, Loader>> = {
  advisories: async () => (await import('./advisories.ts')).command,
  'allowed-images': async () => (await import('./allowed-images.ts')).command,
  collect: async () => (await import('./collect.ts')).command,
  demo: async () => (await import('./demo.ts')).command,
  query: async () => (await import('./query.ts')).command,
  run: async () => (await import('./run.ts')).command,
  scan: async () => (await import('./scan.ts')).command,
  serve: async () => (await import('./serve.ts')).command,
  sim: async () => (await import('./sim.ts')).command,
  token: async () => (await import('./token.ts')).command,
  usage: async () => (await import('./usage.ts')).command,
  validate: async () => (await import('./validate.ts')).command,
  version: async () => (await import('./version.ts')).command,
  violations: async () => (await import('./violations.ts')).command,
  waive: async () => (await import('./waive.ts')).command,
  workflow: async () => (await import('./workflow.ts')).command,
};
