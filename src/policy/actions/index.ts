import type { ActionDef } from './define.ts';

type Loader = () => Promise<{ default: ActionDef }>;

// Sorted by type; aliases (mark, unmark, untag) live in the action's own definition.
export const ACTIONS: Readonly<Record<string, Loader>> = {
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
