import type { Static, TObject } from '@sinclair/typebox';
import type { AmiRecord, PolicyImage } from '../resource.ts';
import type { Inventory } from '../inventory.ts';

/** What a filter may read while it decides. */
export interface EvalContext {
  readonly now: Date;
  readonly inventory: Inventory;
  /** Attach a Custodian-style annotation (`c7n:...`) to a matched resource's output. */
  annotate(img: PolicyImage, key: string, value: unknown): void;
}

export type FilterFn = (img: PolicyImage, ctx: EvalContext) => boolean;

export interface FilterDocs {
  readonly summary: string;
  /** A whole policy file in YAML; a meta-test loads and runs every one. */
  readonly example: string;
  /** Where amiwarden deliberately differs from Cloud Custodian. */
  readonly differences?: string;
}

export interface FilterDef<S extends TObject = TObject> {
  readonly type: string;
  readonly aliases?: readonly string[];
  /** Custodian's own filter, or an amiwarden extension. */
  readonly origin: 'custodian' | 'amiwarden';
  /** Closed schema of the options, `type` included. */
  readonly schema: S;
  readonly permissions: readonly string[];
  /** Inventory facts the filter reads beyond the DescribeImages record. */
  readonly needs: readonly ('usage' | 'launch-permissions' | 'scan' | 'last-launched')[];
  readonly docs: FilterDocs;
  compile(opts: Static<S>): FilterFn;
}

export function defineFilter<S extends TObject>(def: FilterDef<S>): FilterDef<S> {
  return def;
}

export type { AmiRecord };
