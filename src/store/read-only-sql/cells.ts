import pg from 'pg';
import type { SqlCell } from './types.ts';

// The one cell encoding of both engines (the SQLite child applies the same rules in
// sqlite-child.mjs): a user reading 64-bit ids or summing volume bytes gets every digit, and the
// same query prints the same cells on SQLite and PostgreSQL.

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer as a number when JavaScript holds it exactly, otherwise as a bigint. */
export function integerCell(v: bigint): number | bigint {
  return v >= -MAX_SAFE && v <= MAX_SAFE ? Number(v) : v;
}

/** Blobs and bytea alike: `\x` and lowercase hex, as PostgreSQL prints bytea. */
export function blobCell(v: Uint8Array): string {
  return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
}

/** A cell for JSON: integers past 2^53 become their decimal digits in a string. */
export function jsonCell(v: SqlCell): null | number | string {
  return typeof v === 'bigint' ? v.toString() : v;
}

export function jsonRows(rows: readonly SqlCell[][]): (null | number | string)[][] {
  return rows.map((row) => row.map(jsonCell));
}

// PostgreSQL OIDs (pg_type): the types that become numbers; bytea; everything else stays text.
const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  oid: 26,
  float4: 700,
  float8: 701,
  numeric: 1700,
} as const;

const parseBytea = pg.types.getTypeParser(OID.bytea, 'text') as (v: string) => Buffer;

/** numeric: a whole number stays exact (sum(int8) is numeric), a fraction is a real as in SQLite. */
function numericCell(v: string): SqlCell {
  if (/^-?\d+$/.test(v)) return integerCell(BigInt(v));
  // NaN and the infinities have no JSON number: their text says what they are.
  return /^-?\d+\.\d+$/.test(v) ? Number(v) : v;
}

const PARSERS: ReadonlyMap<number, (v: string) => SqlCell> = new Map<number, (v: string) => SqlCell>([
  // SQLite has no boolean: `select true` is 1 there, so PostgreSQL's t/f become 1/0.
  [OID.bool, (v) => (v === 't' ? 1 : 0)],
  [OID.bytea, (v) => blobCell(parseBytea(v))],
  [OID.int8, (v) => integerCell(BigInt(v))],
  [OID.int2, Number],
  [OID.int4, Number],
  [OID.oid, Number],
  [OID.float4, floatCell],
  [OID.float8, floatCell],
  [OID.numeric, numericCell],
]);

// Infinity and NaN as their text, on SQLite too (the child does the same).
function floatCell(v: string): SqlCell {
  const n = Number(v);
  return Number.isFinite(n) ? n : v;
}

const asText = (v: string): string => v;

/**
 * pg's type parser hook: every type not listed (text, timestamps, json, arrays, intervals, uuid)
 * is left as the text PostgreSQL prints, as SQLite would hold it.
 */
export const pgCellParser = ((oid: number) => PARSERS.get(oid) ?? asText) as typeof pg.types.getTypeParser;
