import { parse } from 'yaml';
import type { CheckContext } from './template.ts';
import { expandGlobs, readTextOrUndefined } from './expand.ts';

export const CLOUD_CFG = '/etc/cloud/cloud.cfg';
export const CLOUD_CFG_GLOBS = [CLOUD_CFG, '/etc/cloud/cloud.cfg.d/*.cfg'] as const;

export interface CloudInitConfig {
  /** False when the image has no /etc/cloud/cloud.cfg (cloud-init not installed). */
  readonly present: boolean;
  readonly merged: Record<string, unknown>;
  /** Files that could not be parsed; their settings are unknown. */
  readonly problems: readonly string[];
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function merge(into: Record<string, unknown>, from: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from)) {
    const cur = into[k];
    if (isObj(cur) && isObj(v)) merge(cur, v);
    else into[k] = v;
  }
}

/** cloud.cfg then cloud.cfg.d/*.cfg in name order, later keys replacing earlier ones (dictionaries merged). */
export function cloudInitConfig(ctx: CheckContext): Promise<CloudInitConfig> {
  return ctx.memo('cloud-init-config', async () => {
    const base = await readTextOrUndefined(ctx.vfs, CLOUD_CFG);
    if (base === undefined) return { present: false, merged: {}, problems: [] };
    const merged: Record<string, unknown> = {};
    const problems: string[] = [];
    const dropins = (await expandGlobs(ctx.vfs, ['/etc/cloud/cloud.cfg.d/*.cfg'])).filter(
      (f) => f.stat.type !== 'dir',
    );
    for (const [path, text] of [
      [CLOUD_CFG, base] as const,
      ...(await Promise.all(
        dropins.map(async (f) => [f.path, (await readTextOrUndefined(ctx.vfs, f.path)) ?? ''] as const),
      )),
    ]) {
      try {
        const doc: unknown = parse(text);
        if (isObj(doc)) merge(merged, doc);
      } catch (err) {
        problems.push(`${path}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    return { present: true, merged, problems };
  });
}

/** Looks a dotted key ("system_info.default_user.lock_passwd") up in the merged config. */
export function lookup(cfg: Record<string, unknown>, key: string): unknown {
  let cur: unknown = cfg;
  for (const part of key.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}
