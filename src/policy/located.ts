import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';
import { AmwError } from '../errors.ts';
import type { ErrorCode, SourceLocation } from '../errors.ts';

export type PathPart = string | number;
export type Path = readonly PathPart[];

/** A parsed YAML file that still knows where every value and key came from. */
export interface LocatedDoc {
  readonly file: string;
  readonly value: unknown;
  /** Location of the value at `path`, or of its key when `key` is set; falls back to the nearest parent. */
  at(path: Path, key?: boolean): SourceLocation;
}

export function pathKey(path: Path): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
}

/** `policies[0].filters[1].days`, the way users read a path. */
export function showPath(path: Path): string {
  return pathKey(path).replace(/^\./, '');
}

export function parseLocated(file: string, text: string, code: ErrorCode = 'AMW_POLICY_YAML'): LocatedDoc {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number): SourceLocation => {
    const pos = lines.linePos(offset);
    return { file, line: pos.line, column: pos.col };
  };
  const first = doc.errors[0];
  if (first) {
    const msg = first.message.split('\n')[0] ?? first.message;
    throw new AmwError(code, `invalid YAML: ${msg}`, { location: where(first.pos[0]) });
  }
  const values = new Map<string, number>();
  const keys = new Map<string, number>();
  const walk = (node: unknown, path: PathPart[]): unknown => {
    if (isAlias(node)) return walk(node.resolve(doc), path);
    const n = node as Node | null;
    if (n?.range) values.set(pathKey(path), n.range[0]);
    if (isMap(n)) {
      const out: Record<string, unknown> = {};
      for (const pair of n.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const kr = (pair.key as Node | null)?.range;
        if (kr) keys.set(pathKey([...path, k]), kr[0]);
        out[k] = walk(pair.value, [...path, k]);
        if (!values.has(pathKey([...path, k])) && kr) values.set(pathKey([...path, k]), kr[0]);
      }
      return out;
    }
    if (isSeq(n)) return n.items.map((item, i) => walk(item, [...path, i]));
    if (isScalar(n)) return n.value;
    return null;
  };
  const value = walk(doc.contents, []);
  return {
    file,
    value,
    at(path, key = false) {
      for (let len = path.length; len >= 0; len--) {
        const k = pathKey(path.slice(0, len));
        const off = key && len === path.length ? (keys.get(k) ?? values.get(k)) : values.get(k);
        if (off !== undefined) return where(off);
      }
      return { file, line: 1, column: 1 };
    },
  };
}
