import type { CheckContext } from '../template.ts';
import { expandGlob, readText } from './files.ts';
import { walkTree } from './walk.ts';

/** modprobe.d directories in precedence order; a file name in an earlier one masks the same name later. */
export const MODPROBE_DIRS = [
  '/etc/modprobe.d',
  '/run/modprobe.d',
  '/usr/local/lib/modprobe.d',
  '/usr/lib/modprobe.d',
  '/lib/modprobe.d',
];
export const MODULE_TREES = ['/lib/modules', '/usr/lib/modules'];
export const MODPROBE_READS = [
  ...MODPROBE_DIRS.map((d) => `${d}/*.conf`),
  ...MODULE_TREES.map((d) => `${d}/**`),
];

/** modprobe treats "-" and "_" in module names alike. */
export const modName = (m: string): string => m.replace(/-/g, '_');

export interface ModprobeDirective {
  readonly kind: 'install' | 'blacklist';
  readonly module: string;
  readonly command?: string;
  readonly path: string;
  readonly line: number;
}

export function readModprobe(ctx: CheckContext): Promise<ModprobeDirective[]> {
  return ctx.memo('modprobe', async () => {
    const byName = new Map<string, string>();
    for (const d of MODPROBE_DIRS)
      for (const p of await expandGlob(ctx.vfs, `${d}/*.conf`)) {
        const n = p.slice(d.length + 1);
        if (!byName.has(n)) byName.set(n, p);
      }
    const out: ModprobeDirective[] = [];
    for (const n of [...byName.keys()].sort()) {
      const path = byName.get(n)!;
      const text = (await readText(ctx.vfs, path)) ?? '';
      text.split('\n').forEach((raw, i) => {
        const words = raw.trim().split(/\s+/);
        if (words[0] === 'install' && words[1])
          out.push({
            kind: 'install',
            module: modName(words[1]),
            command: words.slice(2).join(' '),
            path,
            line: i + 1,
          });
        if (words[0] === 'blacklist' && words[1])
          out.push({ kind: 'blacklist', module: modName(words[1]), path, line: i + 1 });
      });
    }
    return out;
  });
}

/** Module names (normalised) shipped under the image's kernel trees; empty when the image has no kernel modules. */
export function availableModules(
  ctx: CheckContext,
): Promise<{ kernels: number; modules: ReadonlySet<string> }> {
  return ctx.memo('kernel-modules', async () => {
    const modules = new Set<string>();
    let kernels = 0;
    for (const tree of MODULE_TREES) {
      kernels += (await expandGlob(ctx.vfs, `${tree}/*`)).length;
      await walkTree(ctx.vfs, tree, (p, st) => {
        if (st.type !== 'file') return;
        const m = /\/([^/]+)\.ko(\.(xz|zst|gz))?$/.exec(p);
        if (m) modules.add(modName(m[1]!));
      });
    }
    return { kernels, modules };
  });
}
