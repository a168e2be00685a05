import type { CheckContext } from '../template.ts';
import { expandGlob, readText } from './files.ts';

export interface SudoersLine {
  readonly text: string;
  readonly path: string;
  readonly line: number;
}

export const SUDOERS_READS = ['/etc/sudoers', '/etc/sudoers.d/*'];

/**
 * sudoers and what it includes (#include / @include, #includedir / @includedir), continuation
 * lines joined. sudo skips files in an include directory whose name ends in "~" or contains ".".
 */
export function readSudoers(ctx: CheckContext): Promise<SudoersLine[]> {
  return ctx.memo('sudoers', async () => {
    const out: SudoersLine[] = [];
    const seen = new Set<string>();
    const visit = async (path: string, depth: number): Promise<void> => {
      if (seen.has(path) || depth > 8) return;
      seen.add(path);
      const text = await readText(ctx.vfs, path);
      if (text === undefined) return;
      const raw = text.split('\n');
      for (let i = 0; i < raw.length; i++) {
        let t = raw[i]!;
        const start = i + 1;
        while (t.endsWith('\\') && i + 1 < raw.length) t = t.slice(0, -1) + ' ' + raw[++i]!;
        t = t.trim();
        const inc = /^[#@]include(dir)?\s+(\S+)/.exec(t);
        if (inc) {
          const target = inc[2]!.startsWith('/') ? inc[2]! : `/etc/${inc[2]}`;
          if (inc[1]) {
            for (const f of await expandGlob(ctx.vfs, `${target}/*`))
              if (!/[.~]/.test(f.split('/').pop()!)) await visit(f, depth + 1);
          } else await visit(target, depth + 1);
          continue;
        }
        if (t === '' || t.startsWith('#')) continue;
        out.push({ text: t, path, line: start });
      }
    };
    await visit('/etc/sudoers', 0);
    return out;
  });
}
