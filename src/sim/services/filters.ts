import { invalidParameterValue } from '../protocol/errors.ts';
import type { Filter } from '../protocol/params.ts';

/** A filter field: the value(s) of a record the filter compares with. */
export type FieldFn<T> = (rec: T) => string | readonly string[] | undefined;

const regexCache = new Map<string, RegExp>();

/** EC2 filter values: case-sensitive, `*` any run, `?` one character, `\` escapes. */
export function wildcard(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (re) return re;
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) src += escapeRe(pattern[++i]!);
    else if (c === '*') src += '[\\s\\S]*';
    else if (c === '?') src += '[\\s\\S]';
    else src += escapeRe(c);
  }
  re = new RegExp(`${src}$`);
  if (regexCache.size > 10_000) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compiles filters into one predicate: values OR'd within a filter, filters AND'd. `tag:<key>`,
 * `tag-key` and `tag-value` work for every record with tags. An unknown name is refused as AWS does.
 */
export function compileFilters<T>(
  filters: readonly Filter[],
  fields: Readonly<Record<string, FieldFn<T>>>,
  tagsOf?: (rec: T) => ReadonlyMap<string, string>,
): (rec: T) => boolean {
  const tests = filters.map((f): ((rec: T) => boolean) => {
    if (f.values.length === 0)
      throw invalidParameterValue(`The filter '${f.name}' requires at least one value`);
    const patterns = f.values.map(wildcard);
    const any = (vals: string | readonly string[] | undefined) => {
      if (vals === undefined) return false;
      if (typeof vals === 'string') return patterns.some((p) => p.test(vals));
      return vals.some((v) => patterns.some((p) => p.test(v)));
    };
    if (tagsOf && f.name.startsWith('tag:')) {
      const key = f.name.slice(4);
      return (rec) => any(tagsOf(rec).get(key));
    }
    if (tagsOf && f.name === 'tag-key') return (rec) => any([...tagsOf(rec).keys()]);
    if (tagsOf && f.name === 'tag-value') return (rec) => any([...tagsOf(rec).values()]);
    const field = fields[f.name];
    if (!field) throw invalidParameterValue(`The filter '${f.name}' is invalid`);
    return (rec) => any(field(rec));
  });
  if (tests.length === 0) return () => true;
  return (rec) => tests.every((t) => t(rec));
}

export const bool = (b: boolean | undefined): string | undefined => (b === undefined ? undefined : String(b));
