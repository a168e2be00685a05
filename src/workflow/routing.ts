import type { Recipients, WorkflowConfig } from './config.ts';
import { DEFAULT_OWNER_TAGS } from './config.ts';

/** One place a message can go: a channel and a name within it (an address, a webhook name). */
export interface Target {
  channel: 'email' | 'slack' | 'webhook';
  to: string;
}

export interface Route {
  targets: Target[];
  /** How the targets were chosen, for the unroutable report and the audit trail. */
  via: 'route' | 'fallback' | 'explicit' | 'none';
}

/** The owner of a resource from its tags: the first configured owner tag that has a value. */
export function ownerFromTags(
  tags: Record<string, string>,
  ownerTags: readonly string[] = DEFAULT_OWNER_TAGS,
): string | null {
  const lower = new Map(Object.entries(tags).map(([k, v]) => [k.toLowerCase(), v]));
  for (const key of ownerTags) {
    const v = tags[key] ?? lower.get(key.toLowerCase());
    if (v !== undefined && v.trim() !== '') return v.trim();
  }
  return null;
}

export function targetsOf(r: Recipients | undefined): Target[] {
  if (!r) return [];
  return [
    ...(r.email ?? []).map((to) => ({ channel: 'email' as const, to })),
    ...(r.slack ?? []).map((to) => ({ channel: 'slack' as const, to })),
    ...(r.webhook ?? []).map((to) => ({ channel: 'webhook' as const, to })),
  ];
}

/**
 * Where an owner's notices go. Routes match the owner exactly, then case-insensitively;
 * an owner without a route, or a resource without an owner, goes to the fallback; with no
 * fallback the result is empty and the violation shows in the unroutable report.
 */
export function routeOwner(cfg: WorkflowConfig, owner: string | null): Route {
  const routes = cfg.routes ?? {};
  if (owner !== null) {
    const hit =
      routes[owner] ?? Object.entries(routes).find(([k]) => k.toLowerCase() === owner.toLowerCase())?.[1];
    const targets = targetsOf(hit);
    if (targets.length > 0) return { targets, via: 'route' };
  }
  const fallback = targetsOf(cfg.fallback);
  return fallback.length > 0 ? { targets: fallback, via: 'fallback' } : { targets: [], via: 'none' };
}

export function targetKey(t: Target): string {
  return `${t.channel}:${t.to}`;
}
