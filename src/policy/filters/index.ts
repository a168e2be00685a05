import type { PluginIndex } from '../registry.ts';
import type { FilterDef } from './define.ts';

// Sorted by type; `and`, `or`, `not` and the `"tag:K": V` shorthand are syntax, handled by the compiler.
export const FILTERS: PluginIndex<FilterDef> = {
  'allowed-images': () => import('./allowed-images.ts'),
  'cross-account': () => import('./cross-account.ts'),
  encrypted: () => import('./encrypted.ts'),
  'image-age': () => import('./image-age.ts'),
  'image-attribute': () => import('./image-attribute.ts'),
  'in-use': () => import('./in-use.ts'),
  'last-launched': () => import('./last-launched.ts'),
  'marked-for-op': () => import('./marked-for-op.ts'),
  scan: () => import('./scan.ts'),
  'trusted-source': () => import('./trusted-source.ts'),
  unused: () => import('./unused.ts'),
  value: () => import('./value.ts'),
};
