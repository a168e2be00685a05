import type { TObject } from '@sinclair/typebox';
import type { PluginDef } from '../registry.ts';
import type { Outcome } from '../audit.ts';
import type { ImageEffects } from '../effects.ts';
import type { Inventory } from '../inventory.ts';
import type { PolicyImage } from '../resource.ts';

export interface ActionResult {
  outcome: Outcome;
  reason: string;
}

export interface ActionContext {
  readonly now: Date;
  readonly inventory: Inventory;
  readonly policy: string;
  readonly effects: ImageEffects;
  /** Annotations the filters attached to this resource (`c7n:CrossAccountViolations`...). */
  readonly annotations: Readonly<Record<string, unknown>>;
  /** Set when the policy says `allow-in-use: true`; multi-step actions re-check usage themselves. */
  readonly allowInUse: boolean;
  /** An extra audit row for a sub-step (a snapshot deleted with its image). */
  record(action: string, resourceId: string, result: ActionResult): Promise<void>;
  notify(payload: Record<string, unknown>): Promise<void>;
}

export type ActionFn = (img: PolicyImage, ctx: ActionContext) => Promise<ActionResult>;

export interface ActionDef<S extends TObject = TObject> extends PluginDef<S, ActionFn> {
  /** in-use: skipped for an image anything in the organisation uses (or may use) unless allow-in-use. */
  readonly guard: 'none' | 'in-use';
  /** Runs in groups whose mode is `notify` (only the notify action does). */
  readonly notifies?: boolean;
}

export function defineAction<S extends TObject>(def: ActionDef<S>): ActionDef<S> {
  return def;
}

export const done = (reason: string): ActionResult => ({ outcome: 'done', reason });
export const skipped = (reason: string): ActionResult => ({ outcome: 'skipped', reason });
