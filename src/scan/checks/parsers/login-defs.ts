import type { CheckContext } from '../template.ts';
import { readText } from './files.ts';

export interface KeyValue {
  readonly value: string;
  readonly path: string;
  readonly line: number;
}

/**
 * "KEY value" / "KEY=value" files (login.defs, /etc/default/useradd, faillock.conf, pwquality.conf,
 * auditd.conf, journald's [Journal] section...). The last assignment of a key wins; keys compare
 * case-sensitively unless `fold` is set. Bare words (pwquality's "enforce_for_root") get value "".
 */
export function parseKeyValues(text: string, path: string, fold = false): Map<string, KeyValue> {
  const out = new Map<string, KeyValue>();
  text.split('\n').forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';') || t.startsWith('[')) return;
    const m = /^([^\s=]+)\s*(?:=\s*|\s+)?(.*)$/.exec(t);
    if (!m) return;
    const key = fold ? m[1]!.toLowerCase() : m[1]!;
    out.set(key, {
      value: m[2]!
        .replace(/\s+#.*$/, '')
        .replace(/^"(.*)"$/, '$1')
        .trim(),
      path,
      line: i + 1,
    });
  });
  return out;
}

export async function readKeyValues(
  ctx: CheckContext,
  paths: readonly string[],
  fold = false,
): Promise<Map<string, KeyValue>> {
  const merged = new Map<string, KeyValue>();
  for (const p of paths) {
    const text = await readText(ctx.vfs, p);
    if (text !== undefined) for (const [k, v] of parseKeyValues(text, p, fold)) merged.set(k, v);
  }
  return merged;
}

export const LOGIN_DEFS = '/etc/login.defs';

/** shadow-utils' built-in values for login.defs keys that the file does not set. */
export const LOGIN_DEFS_DEFAULTS: Readonly<Record<string, string>> = {
  PASS_MAX_DAYS: '99999',
  PASS_MIN_DAYS: '0',
  PASS_WARN_AGE: '7',
  ENCRYPT_METHOD: 'DES',
  UMASK: '022',
  UID_MIN: '1000',
  GID_MIN: '1000',
  SYS_UID_MIN: '101',
  INACTIVE: '-1',
};

export function readLoginDefs(ctx: CheckContext): Promise<Map<string, KeyValue>> {
  return ctx.memo('login.defs', () => readKeyValues(ctx, [LOGIN_DEFS]));
}

export async function uidMin(ctx: CheckContext): Promise<number> {
  const v = (await readLoginDefs(ctx)).get('UID_MIN')?.value;
  return v && /^\d+$/.test(v) ? Number(v) : 1000;
}
