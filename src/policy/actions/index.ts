import type { PluginIndex } from '../registry.ts';
import type { ActionDef } from './define.ts';

// Sorted by type; aliases (mark, unmark, untag) live in the action's own definition.
export const ACTIONS: PluginIndex<ActionDef> = {
  deregister: () => import('./deregister.ts'),
  'deregistration-protection': () => import('./deregistration-protection.ts'),
  disable: () => import('./disable.ts'),
  'mark-for-op': () => import('./mark-for-op.ts'),
  notify: () => import('./notify.ts'),
  'remove-launch-permissions': () => import('./remove-launch-permissions.ts'),
  'remove-tag': () => import('./remove-tag.ts'),
  retire: () => import('./retire.ts'),
  'set-deprecation': () => import('./set-deprecation.ts'),
  tag: () => import('./tag.ts'),
  unshare: () => import('./unshare.ts'),
};
