import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { readAccounts } from '../parsers/accounts-db.ts';
import { LOGIN_DEFS, LOGIN_DEFS_DEFAULTS, readKeyValues, readLoginDefs } from '../parsers/login-defs.ts';

const Params = Type.Object(
  {
    key: Type.String(),
    /** login.defs, or /etc/default/useradd for INACTIVE. */
    file: Type.Union([Type.Literal('login.defs'), Type.Literal('useradd')], { default: 'login.defs' }),
    /** max / min: numeric bound; in: one of values (case-insensitive); umask: at least as strict as values[0]. */
    op: Type.Union([Type.Literal('max'), Type.Literal('min'), Type.Literal('in'), Type.Literal('umask')]),
    bound: Type.Optional(Type.Number()),
    values: Type.Optional(Type.Array(Type.String())),
    /** Values that never pass even inside the bound (-1 = "never" for INACTIVE). */
    reject: Type.Array(Type.String(), { default: [] }),
    /** The same limit checked on every account that has a password, from its /etc/shadow field. */
    shadowField: Type.Optional(
      Type.Union([
        Type.Literal('maxDays'),
        Type.Literal('minDays'),
        Type.Literal('warnDays'),
        Type.Literal('inactiveDays'),
      ]),
    ),
  },
  { additionalProperties: false },
);
type P = Static<typeof Params>;

function judge(p: P, v: string): boolean {
  if (p.reject.includes(v)) return false;
  switch (p.op) {
    case 'max':
      return /^-?\d+$/.test(v) && Number(v) <= p.bound!;
    case 'min':
      return /^-?\d+$/.test(v) && Number(v) >= p.bound!;
    case 'in':
      return (p.values ?? []).some((x) => x.toLowerCase() === v.toLowerCase());
    case 'umask': {
      const need = parseInt(p.values?.[0] ?? '027', 8);
      return /^0?[0-7]{3}$/.test(v) && (parseInt(v, 8) & need) === need;
    }
  }
}

export const template = defineCheckTemplate({
  id: 'login-defs-key',
  title: 'login.defs / useradd default, and the matching /etc/shadow field of existing users',
  params: Params,
  reads: () => ({
    globs: [LOGIN_DEFS, '/etc/default/useradd', '/etc/shadow', '/etc/passwd', '/etc/group', '/etc/gshadow'],
  }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    const conf =
      p.file === 'useradd' ? await readKeyValues(ctx, ['/etc/default/useradd']) : await readLoginDefs(ctx);
    const file = p.file === 'useradd' ? '/etc/default/useradd' : LOGIN_DEFS;
    const got = conf.get(p.key);
    const value = got?.value ?? LOGIN_DEFS_DEFAULTS[p.key] ?? '';
    const expected =
      p.op === 'in'
        ? (p.values ?? []).join('|')
        : p.op === 'umask'
          ? `umask ${p.values?.[0] ?? '027'} or stricter`
          : `${p.op === 'max' ? '<=' : '>='} ${p.bound}`;
    if (!judge(p, value))
      findings.push({
        message: `${p.key} is ${value || '(unset)'}${got ? '' : ' (not set; built-in default)'}, expected ${expected}`,
        path: got?.path ?? file,
        line: got?.line,
        actual: value,
        expected,
      });
    if (p.shadowField) {
      const db = await readAccounts(ctx);
      for (const s of db.shadow ?? []) {
        // Only accounts that can log in with a password age; locked and password-less ones do not.
        if (!s.password.startsWith('$')) continue;
        const v = s[p.shadowField];
        const shown = v === undefined ? '' : String(v);
        if (!judge(p, shown))
          findings.push({
            message: `user ${s.name} has ${p.shadowField} ${shown || '(empty)'} in /etc/shadow, expected ${expected}`,
            path: '/etc/shadow',
            line: s.line,
            actual: shown,
            expected,
          });
      }
    }
    return findings.length ? fail(findings) : pass([`${p.key} ${value}`]);
  },
});
