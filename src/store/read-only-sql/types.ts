import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { AmwError } from '../../errors.ts';

export const ReadOnlySqlLimitsSchema = Type.Object(
  {
    /** Wall-clock limit of one statement in milliseconds; 0 means none. */
    timeoutMs: Type.Integer({ minimum: 0 }),
    /** Rows returned at most (the rest only sets `truncated`); absent means every row. */
    maxRows: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type ReadOnlySqlLimits = Static<typeof ReadOnlySqlLimitsSchema>;

/** The API console: answers quickly and stays small enough for a browser table. */
export const API_SQL_LIMITS: ReadOnlySqlLimits = { timeoutMs: 5000, maxRows: 1000 };
/** `amiwarden query`: every row, and a limit only against a statement that never ends. */
export const CLI_SQL_TIMEOUT_SECONDS = 60;

/**
 * One value as both engines hand it over (cells.ts): NULL as null, integers exact (a number when
 * it is a safe integer, a bigint otherwise), reals as numbers, blobs/bytea as `\x` + hex, and
 * everything else (text, timestamps) as text.
 */
export type SqlCell = null | number | bigint | string;

export interface ReadOnlySqlResult {
  readonly columns: string[];
  readonly rows: SqlCell[][];
  /** More rows matched than `maxRows` allowed. */
  readonly truncated: boolean;
}

// One place for the wording, so the CLI and the API refuse in the same words on both engines.
export function readOnlyError(detail: string): AmwError {
  return new AmwError('AMW_QUERY_READ_ONLY', `queries are read-only: ${detail}`);
}

export function invalidError(detail: string, cause?: unknown): AmwError {
  return new AmwError('AMW_QUERY_INVALID', `invalid SQL: ${detail}`, cause ? { cause } : undefined);
}

export function failedError(detail: string, cause?: unknown): AmwError {
  return new AmwError('AMW_QUERY_INVALID', `query failed: ${detail}`, cause ? { cause } : undefined);
}

export function timeoutError(timeoutMs: number): AmwError {
  const limit = timeoutMs % 1000 === 0 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`;
  return new AmwError('AMW_QUERY_TIMEOUT', `query ran longer than ${limit} and was stopped`);
}
