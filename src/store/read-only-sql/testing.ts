// Test support: one query whose cells cover the encoding (cells.ts), for the module, CLI and API
// tests on both engines.

// 2^53 + 1 and -2^63 (int8's floor), a safe integer, a real, NULL, text, a blob, a boolean, a
// sum past 2^53 (numeric on PostgreSQL) and an average (numeric with a fraction on PostgreSQL).
const BLOB = { sqlite: "x'00ff10'", postgres: "'\\x00ff10'::bytea" } as const;

export function exactCellsSql(engine: 'sqlite' | 'postgres'): string {
  return `select cast(9007199254740993 as bigint) as hi, cast(-9223372036854775808 as bigint) as lo,
     9007199254740991 as safe, 1.5 as r, null as z, 'txt' as t, ${BLOB[engine]} as b, 1 = 1 as yes,
     (select sum(n) from (select cast(9007199254740993 as bigint) as n union all select 1) s) as total,
     (select avg(n) from (select 1 as n union all select 2) s) as mean`;
}

export const EXACT_COLUMNS = ['hi', 'lo', 'safe', 'r', 'z', 't', 'b', 'yes', 'total', 'mean'];

export const EXACT_ROW = [
  9007199254740993n,
  -(2n ** 63n),
  9007199254740991,
  1.5,
  null,
  'txt',
  '\\x00ff10',
  1,
  9007199254740994n,
  1.5,
];

/** The same row in JSON: integers past 2^53 as their decimal digits. */
export const EXACT_JSON_ROW = [
  '9007199254740993',
  '-9223372036854775808',
  9007199254740991,
  1.5,
  null,
  'txt',
  '\\x00ff10',
  1,
  '9007199254740994',
  1.5,
];
