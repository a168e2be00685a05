import { Type } from '@sinclair/typebox';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { installed } from '../parsers/packages.ts';

export const template = defineCheckTemplate({
  id: 'package-installed',
  title: 'A package that must be installed',
  params: Type.Object(
    {
      /** Alternatives: any one installed passes (e.g. chrony or systemd-timesyncd). */
      names: Type.Array(Type.String(), { minItems: 1 }),
      /** All of these must be installed as well (auditd needs audispd-plugins beside it). */
      alsoRequired: Type.Array(Type.String(), { default: [] }),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: [] }),
  async evaluate(p, ctx) {
    const found = installed(ctx, [...p.names, ...p.alsoRequired]);
    if (!Array.isArray(found)) return found;
    const missing = [
      ...(p.names.some((n) => found.includes(n)) ? [] : [p.names.join(' or ')]),
      ...p.alsoRequired.filter((n) => !found.includes(n)),
    ];
    if (missing.length === 0) return pass(found.map((n) => `${n} installed`));
    return fail(missing.map((n) => ({ message: `package ${n} is not installed`, expected: n })));
  },
});
