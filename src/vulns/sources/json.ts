import { AmwError, messageOf } from '../../errors.ts';

/** A JSON object (not an array, not null): what advisory feeds nest their records in. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses a JSON advisory feed, naming the file when it is not JSON at all. */
export function parseFeedJson(text: string, location: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AmwError('AMW_ADVISORY_SOURCE', `${location}: not JSON: ${messageOf(err)}`, { cause: err });
  }
}
