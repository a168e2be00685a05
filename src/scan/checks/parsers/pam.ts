import type { CheckContext } from '../template.ts';
import { lstatOrNull, readText } from './files.ts';

export type PamType = 'auth' | 'account' | 'password' | 'session';

export interface PamLine {
  readonly type: PamType;
  readonly control: string;
  /** Module file name without directory ("pam_unix.so"). */
  readonly module: string;
  readonly args: readonly string[];
  readonly path: string;
  readonly line: number;
}

export const PAM_READS = ['/etc/pam.d/*', '/etc/security/*.conf', '/etc/security/*/*.conf'];

/** Those of `services` that have a file in /etc/pam.d: the services a PAM check applies to. */
export async function presentServices(ctx: CheckContext, services: readonly string[]): Promise<string[]> {
  const present: string[] = [];
  for (const s of services) if (await lstatOrNull(ctx.vfs, `/etc/pam.d/${s}`)) present.push(s);
  return present;
}

// Splits on blanks but keeps "[...]" groups (control values, module args) whole.
function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /\[[^\]]*\]|\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(m[0]);
  return out;
}

/**
 * The effective stack of one PAM service file for one type, as libpam builds it: `@include` pulls
 * a whole file in, `include` and `substack` controls pull in the lines of the same type.
 */
export async function pamStack(
  ctx: CheckContext,
  service: string,
  type: PamType,
  depth = 0,
): Promise<PamLine[]> {
  const path = `/etc/pam.d/${service}`;
  const text = await ctx.memo(`text:${path}`, () => readText(ctx.vfs, path));
  if (text === undefined || depth > 10) return [];
  const out: PamLine[] = [];
  const lines = text.replace(/\\\n/g, ' ').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    if (t === '' || t.startsWith('#')) continue;
    const tok = tokens(t);
    if (tok[0] === '@include' && tok[1]) {
      out.push(...(await pamStack(ctx, tok[1], type, depth + 1)));
      continue;
    }
    const ty = tok[0]!.replace(/^-/, '');
    if (ty !== type || tok.length < 3) continue;
    const control = tok[1]!;
    if (control === 'include' || control === 'substack') {
      out.push(...(await pamStack(ctx, tok[2]!, type, depth + 1)));
      continue;
    }
    out.push({ type, control, module: tok[2]!.split('/').pop()!, args: tok.slice(3), path, line: i + 1 });
  }
  return out;
}

/** Value of "name=value" (or presence of a bare "name" as "") in a module's arguments. */
export function pamArg(args: readonly string[], name: string): string | undefined {
  for (const a of args) {
    if (a === name) return '';
    if (a.startsWith(`${name}=`)) return a.slice(name.length + 1);
  }
  return undefined;
}
