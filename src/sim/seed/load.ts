import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import type { Document } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { AmwError, messageOf } from '../../errors.ts';
import { EstateSeedSchema } from './schema.ts';
import type { EstateSeed } from './schema.ts';

/** A problem found in a seed, by its path inside the document (`accounts.0.regions.us-east-1`). */
export class SeedIssue extends Error {
  constructor(
    readonly path: readonly (string | number)[],
    message: string,
  ) {
    super(message);
  }
}

export interface LoadedSeed {
  seed: EstateSeed;
  file: string;
  /** Line of a path in the file, for errors found after loading (references, duplicates). */
  lineOf(path: readonly (string | number)[]): number | undefined;
}

export async function loadSeedFile(file: string): Promise<LoadedSeed> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new AmwError('AMW_SEED_UNREADABLE', `cannot read seed ${file}: ${messageOf(err)}`, {
      cause: err,
      location: { file },
    });
  }
  return parseSeedText(text, file);
}

export function parseSeedText(text: string, file: string): LoadedSeed {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const pos = lineCounter.linePos(first.pos[0]);
    throw new AmwError('AMW_SEED_UNREADABLE', `seed is not valid YAML: ${first.message.split('\n')[0]}`, {
      location: { file, line: pos.line, column: pos.col },
    });
  }
  const lineOf = (path: readonly (string | number)[]) => lineOfPath(doc, lineCounter, path);
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new AmwError('AMW_SEED_INVALID', 'seed must be a mapping with `now`, `regions` and `accounts`', {
      location: { file, line: 1 },
    });
  }
  // Account ids written without quotes arrive as numbers; convert where the schema wants strings.
  const converted = Value.Convert(EstateSeedSchema, raw);
  const first = Value.Errors(EstateSeedSchema, converted).First();
  if (first) {
    const path = first.path.split('/').slice(1).map(unescapePointer);
    const shown = path.length > 0 ? path.join('.') : '(root)';
    throw new AmwError('AMW_SEED_INVALID', `seed ${shown}: ${describeError(first.message, first.value)}`, {
      location: { file, line: lineOf(path) },
    });
  }
  return { seed: converted as EstateSeed, file, lineOf };
}

/** Turns a SeedIssue found while building the estate into an AmwError at the right line. */
export function seedIssueError(issue: SeedIssue, loaded: LoadedSeed | undefined): AmwError {
  const shown = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  return new AmwError('AMW_SEED_INVALID', `seed ${shown}: ${issue.message}`, {
    location: loaded ? { file: loaded.file, line: loaded.lineOf(issue.path) } : undefined,
  });
}

function unescapePointer(seg: string): string | number {
  const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^[0-9]+$/.test(s) ? Number(s) : s;
}

function describeError(message: string, value: unknown): string {
  const shown = value === undefined ? '' : ` (got ${JSON.stringify(value)?.slice(0, 60)})`;
  return `${message.charAt(0).toLowerCase()}${message.slice(1)}${shown}`;
}

function lineOfPath(doc: Document, lc: LineCounter, path: readonly (string | number)[]): number | undefined {
  // Walk down as far as the path exists: a missing key points at its parent mapping.
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}
