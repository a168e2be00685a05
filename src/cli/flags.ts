import { Option } from 'commander';
import type { Command } from 'commander';
import { AmwError } from '../errors.ts';

/**
 * A flag is declared once, as data: the same spec feeds commander, the environment
 * (AMIWARDEN_<NAME>) and the configuration file key, so the three never drift apart.
 */
export interface FlagSpec {
  readonly name: string;
  readonly short?: string;
  readonly description: string;
  readonly kind: 'string' | 'number' | 'boolean' | 'list';
  readonly placeholder?: string;
  readonly choices?: readonly string[];
  readonly defaultValue?: string | number | boolean | readonly string[];
  /** Environment variable; defaults to AMIWARDEN_<NAME>. */
  readonly env?: string;
}

export function defineFlag<const F extends FlagSpec>(spec: F): F {
  return spec;
}

export function envName(spec: FlagSpec): string {
  return spec.env ?? `AMIWARDEN_${spec.name.toUpperCase().replace(/-/g, '_')}`;
}

export function addFlags(cmd: Command, ...specs: FlagSpec[]): Command {
  for (const spec of specs) {
    const head = spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`;
    const arg =
      spec.kind === 'boolean'
        ? ''
        : spec.kind === 'list'
          ? ` <${spec.placeholder ?? 'value'}...>`
          : ` <${spec.placeholder ?? 'value'}>`;
    const opt = new Option(head + arg, spec.description).env(envName(spec));
    if (spec.choices) opt.choices(spec.choices);
    if (spec.kind === 'number') opt.argParser(parseNumberFlag(spec.name));
    if (spec.defaultValue !== undefined) opt.default(spec.defaultValue);
    cmd.addOption(opt);
  }
  return cmd;
}

function parseNumberFlag(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n))
      throw new AmwError('AMW_USAGE', `--${name} expects a number, got "${raw}"`);
    return n;
  };
}

/**
 * A `--now` value (run, workflow tick, waive): the time to act as of, or undefined when not given.
 * Parsed here so commands share it without loading each other's engines.
 */
export function parseNow(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const d = new Date(raw);
  if (Number.isNaN(d.getTime()))
    throw new AmwError('AMW_USAGE', `--now expects an ISO 8601 time, got "${raw}"`);
  return d;
}

/** Flags shared by several commands. */
export const commonFlags = {
  db: defineFlag({
    name: 'db',
    description: 'asset store: a SQLite file path or a postgres:// URL',
    kind: 'string',
    placeholder: 'path|url',
    defaultValue: 'amiwarden.db',
  }),
  endpoint: defineFlag({
    name: 'endpoint',
    description: 'AWS endpoint override (the estate simulator, e.g. http://127.0.0.1:4566)',
    kind: 'string',
    placeholder: 'url',
  }),
  config: defineFlag({
    name: 'config',
    short: 'c',
    description: 'configuration file',
    kind: 'string',
    placeholder: 'file',
    defaultValue: 'amiwarden.yml',
  }),
  format: defineFlag({
    name: 'format',
    short: 'f',
    description: 'output format',
    kind: 'string',
    choices: ['table', 'json', 'csv'],
    defaultValue: 'table',
  }),
  dryrun: defineFlag({
    name: 'dryrun',
    description: 'decide and record, but change nothing in AWS',
    kind: 'boolean',
  }),
  quiet: defineFlag({
    name: 'quiet',
    short: 'q',
    description: 'print only errors and results',
    kind: 'boolean',
  }),
} as const;
