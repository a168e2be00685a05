import type { AdvisoryRow, SourceKind } from '../model.ts';

/** What a parser knows beyond the bytes: where they came from and, when needed, which release. */
export interface ParseContext {
  readonly location: string;
  /** Release named by the user (`kind:release=...`) when the data does not say it. */
  readonly release?: string;
}

export interface AdvisorySource {
  readonly kind: SourceKind;
  readonly description: string;
  /** One text in, normalised rows out; throws AmwError AMW_ADVISORY_SOURCE on malformed data. */
  parse(text: string, ctx: ParseContext): AdvisoryRow[];
}

export function defineAdvisorySource<const S extends AdvisorySource>(source: S): S {
  return source;
}
