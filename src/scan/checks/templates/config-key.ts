import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { expandGlob } from '../parsers/files.ts';
import { readKeyValues } from '../parsers/login-defs.ts';

const Params = Type.Object(
  {
    /** Files in read order (globs expand sorted); a later assignment overrides an earlier one, as with systemd drop-ins. */
    files: Type.Array(Type.String(), { minItems: 1 }),
    key: Type.String(),
    /** Compare key names case-insensitively (auditd.conf, chrony). */
    foldCase: Type.Boolean({ default: false }),
    /** in: one of values (case-insensitive); min/max: numeric; set: present with any value; absent: not set. */
    op: Type.Union([
      Type.Literal('in'),
      Type.Literal('min'),
      Type.Literal('max'),
      Type.Literal('set'),
      Type.Literal('absent'),
    ]),
    values: Type.Optional(Type.Array(Type.String())),
    bound: Type.Optional(Type.Number()),
    /** The program's built-in value when no file sets the key. */
    default: Type.Optional(Type.String()),
    /** When none of the files exists: the program is not installed (not-applicable) or the setting is missing (fail). */
    whenNoFile: Type.Union([Type.Literal('fail'), Type.Literal('not-applicable')], { default: 'fail' }),
  },
  { additionalProperties: false },
);

function ok(p: Static<typeof Params>, v: string | undefined): boolean {
  switch (p.op) {
    case 'set':
      return v !== undefined && v !== '';
    case 'absent':
      return v === undefined;
    case 'in':
      return v !== undefined && (p.values ?? []).some((x) => x.toLowerCase() === v.toLowerCase());
    case 'min':
      return v !== undefined && /^-?\d+$/.test(v) && Number(v) >= p.bound!;
    case 'max':
      return v !== undefined && /^-?\d+$/.test(v) && Number(v) <= p.bound!;
  }
}

export const template = defineCheckTemplate({
  id: 'config-key',
  title: 'A key in KEY=value / KEY value configuration files (journald, auditd.conf, SELinux, chrony...)',
  params: Params,
  reads: (p) => ({ globs: p.files }),
  async evaluate(p, ctx) {
    const paths: string[] = [];
    for (const g of p.files) paths.push(...(await expandGlob(ctx.vfs, g)));
    if (paths.length === 0 && p.whenNoFile === 'not-applicable')
      return notApplicable(`none of ${p.files.join(', ')} exists`);
    const kv = await readKeyValues(ctx, paths, p.foldCase);
    const got = kv.get(p.foldCase ? p.key.toLowerCase() : p.key);
    const value = got?.value ?? p.default;
    const expected =
      p.op === 'in'
        ? (p.values ?? []).join('|')
        : p.op === 'set'
          ? 'set'
          : p.op === 'absent'
            ? 'not set'
            : `${p.op === 'min' ? '>=' : '<='} ${p.bound}`;
    if (ok(p, value))
      return pass([`${p.key}=${value ?? '(unset)'}${got ? ` at ${got.path}:${got.line}` : ''}`]);
    return fail([
      {
        message: got
          ? `${p.key}=${got.value} in ${got.path}, expected ${expected}`
          : `${p.key} is not set${value !== undefined ? ` (default ${value})` : ''}, expected ${expected}`,
        path: got?.path ?? paths[0] ?? p.files[0],
        line: got?.line,
        actual: value,
        expected,
      },
    ]);
  },
});
