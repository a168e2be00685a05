import jmespath from 'jmespath';
import { Type } from '@sinclair/typebox';
import { globRegExp } from '../../glob-regexp.ts';

/** Custodian's operator names, with the aliases it accepts. */
export const OPS = {
  eq: 'eq',
  equal: 'eq',
  ne: 'ne',
  'not-equal': 'ne',
  gt: 'gt',
  'greater-than': 'gt',
  gte: 'gte',
  ge: 'gte',
  lt: 'lt',
  'less-than': 'lt',
  lte: 'lte',
  le: 'lte',
  in: 'in',
  'not-in': 'not-in',
  ni: 'not-in',
  contains: 'contains',
  regex: 'regex',
  'regex-case': 'regex-case',
  glob: 'glob',
  intersect: 'intersect',
} as const;
export type OpName = keyof typeof OPS;
type Op = (typeof OPS)[OpName];

export const VALUE_TYPES = ['age', 'expiration', 'integer', 'size', 'normalize', 'date', 'swap'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

export const OpSchema = Type.Union((Object.keys(OPS) as OpName[]).map((k) => Type.Literal(k)));
export const ValueTypeSchema = Type.Union(VALUE_TYPES.map((k) => Type.Literal(k)));
export const ValueSchema = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
  Type.Array(Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
]);

const DAY_MS = 86_400_000;
const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/** Reads `tag:K` from Tags, a dotted path directly, anything else through JMESPath. */
export function compileKey(key: string): (record: unknown) => unknown {
  if (key.startsWith('tag:')) {
    const tag = key.slice(4);
    return (r) => {
      const tags = (r as { Tags?: { Key: string; Value: string }[] }).Tags;
      return tags?.find((t) => t.Key === tag)?.Value;
    };
  }
  if (SIMPLE_KEY.test(key)) {
    const parts = key.split('.');
    return (r) => {
      let cur: unknown = r;
      for (const p of parts) {
        if (cur === null || typeof cur !== 'object') return null;
        cur = (cur as Record<string, unknown>)[p];
      }
      return cur ?? null;
    };
  }
  // jmespath exports its parser at runtime; the typings omit it. Parsing now fails validation, not the run.
  (jmespath as unknown as { compile(expr: string): unknown }).compile(key);
  return (r) => jmespath.search(r, key) as unknown;
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

function toDate(v: unknown): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v === 'string' || typeof v === 'number') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }
  return undefined;
}

function comparable(v: unknown): number | string | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

function equal(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) return comparable(a) === comparable(b);
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function applyOp(op: Op, r: unknown, v: unknown, re?: RegExp): boolean {
  switch (op) {
    case 'eq':
      return equal(r, v);
    case 'ne':
      return !equal(r, v);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const a = comparable(r);
      const b = comparable(v);
      // Like Custodian, comparing things of different kinds (or a missing value) never matches.
      if (a === undefined || b === undefined || typeof a !== typeof b) return false;
      return op === 'gt' ? a > b : op === 'gte' ? a >= b : op === 'lt' ? a < b : a <= b;
    }
    case 'in':
      return Array.isArray(v) ? v.some((x) => equal(r, x)) : equal(r, v);
    case 'not-in':
      return Array.isArray(v) ? !v.some((x) => equal(r, x)) : !equal(r, v);
    case 'contains':
      if (Array.isArray(r)) return r.some((x) => equal(x, v));
      return typeof r === 'string' && typeof v === 'string' && r.includes(v);
    case 'regex':
    case 'regex-case':
    case 'glob':
      return typeof r === 'string' && re !== undefined && re.test(r);
    case 'intersect': {
      const a = Array.isArray(r) ? r : [r];
      const b = Array.isArray(v) ? v : [v];
      return a.some((x) => b.some((y) => equal(x, y)));
    }
  }
}

export interface ValueSpec {
  key: string;
  value?: unknown;
  op?: OpName;
  value_type?: ValueType;
}

/** Compiles Custodian's value-filter semantics into a predicate over one record. */
export function compileValue(spec: ValueSpec): (record: unknown, now: Date) => boolean {
  const get = compileKey(spec.key);
  const v = spec.value;
  if (v === 'absent') return (rec) => get(rec) == null;
  if (v === 'present') return (rec) => get(rec) != null;
  if (v === 'not-null') return (rec) => truthy(get(rec));
  if (v === 'empty') return (rec) => !truthy(get(rec));
  const op: Op = OPS[spec.op ?? 'eq'];
  let re: RegExp | undefined;
  if (op === 'regex' || op === 'regex-case')
    re = new RegExp(`^(?:${String(v)})`, op === 'regex' ? 'is' : 's');
  if (op === 'glob') re = globRegExp(String(v));
  const vt = spec.value_type;
  return (rec, now) => {
    let r = get(rec);
    let s: unknown = v;
    switch (vt) {
      case 'age':
        // Swapped like Custodian, so `op: gt, value: 90` reads "older than 90 days".
        [r, s] = [new Date(now.getTime() - Number(v) * DAY_MS), toDate(r) ?? new Date(0)];
        break;
      case 'expiration':
        r = toDate(r);
        if (r === undefined) return false;
        s = new Date(now.getTime() + Number(v) * DAY_MS);
        break;
      case 'integer': {
        const n = Number.parseInt(String(r ?? '').trim(), 10);
        r = Number.isNaN(n) ? 0 : n;
        s = Number(v);
        break;
      }
      case 'size':
        r = Array.isArray(r) || typeof r === 'string' ? r.length : 0;
        break;
      case 'normalize':
        if (typeof r === 'string') r = r.trim().toLowerCase();
        break;
      case 'date':
        r = toDate(r);
        s = toDate(v);
        break;
      case 'swap':
        [r, s] = [s, r];
        break;
      case undefined:
        break;
    }
    if (r == null && op !== 'ne' && op !== 'not-in') return false;
    return applyOp(op, r, s, re);
  };
}
