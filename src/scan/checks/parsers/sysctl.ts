import type { CheckContext } from '../template.ts';
import { expandGlob, readText } from './files.ts';

/**
 * Kernel parameters as the image's boot would apply them (systemd-sysctl / procps `sysctl --system`):
 * *.conf files from the directories below, a file name in an earlier directory masking the same name
 * in later ones, applied in file-name order, then /etc/sysctl.conf; the last assignment wins.
 * Nothing here says what a running kernel holds: a key no file sets is "not configured".
 */
export const SYSCTL_DIRS = [
  '/etc/sysctl.d',
  '/run/sysctl.d',
  '/usr/local/lib/sysctl.d',
  '/usr/lib/sysctl.d',
  '/lib/sysctl.d',
];
export const SYSCTL_READS = [...SYSCTL_DIRS.map((d) => `${d}/*.conf`), '/etc/sysctl.conf'];

export interface SysctlValue {
  readonly value: string;
  readonly path: string;
  readonly line: number;
}

export const normalizeSysctlKey = (key: string): string => key.trim().replace(/\//g, '.');

export async function readSysctl(ctx: CheckContext): Promise<ReadonlyMap<string, SysctlValue>> {
  return ctx.memo('sysctl', async () => {
    const byName = new Map<string, string>();
    for (const dir of SYSCTL_DIRS) {
      for (const path of await expandGlob(ctx.vfs, `${dir}/*.conf`)) {
        const name = path.slice(dir.length + 1);
        if (!byName.has(name)) byName.set(name, path);
      }
    }
    const order = [...byName.keys()].sort().map((n) => byName.get(n)!);
    order.push('/etc/sysctl.conf');
    const out = new Map<string, SysctlValue>();
    const seen = new Set<string>();
    for (const path of order) {
      if (seen.has(path)) continue;
      seen.add(path);
      const text = await readText(ctx.vfs, path);
      if (text === undefined) continue;
      text.split('\n').forEach((raw, i) => {
        const t = raw.trim();
        if (t === '' || t.startsWith('#') || t.startsWith(';')) return;
        const eq = t.indexOf('=');
        if (eq < 0) return;
        // A leading "-" only tells the loader to ignore errors for that key.
        const key = normalizeSysctlKey(t.slice(0, eq).replace(/^-/, ''));
        out.set(key, { value: t.slice(eq + 1).trim(), path, line: i + 1 });
      });
    }
    return out;
  });
}
