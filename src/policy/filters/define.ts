import type { TObject } from '@sinclair/typebox';
import type { PluginDef } from '../registry.ts';
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

export interface FilterDef<S extends TObject = TObject> extends PluginDef<S, FilterFn> {
  /** Inventory facts the filter reads beyond the DescribeImages record. */
  readonly needs: readonly ('usage' | 'launch-permissions' | 'scan' | 'last-launched')[];
}

export function defineFilter<S extends TObject>(def: FilterDef<S>): FilterDef<S> {
  return def;
}

export type { AmiRecord };
