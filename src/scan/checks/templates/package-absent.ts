import { Type } from '@sinclair/typebox';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { installed } from '../parsers/packages.ts';

export const template = defineCheckTemplate({
  id: 'package-absent',
  title: 'Packages that must not be installed',
  params: Type.Object({ names: Type.Array(Type.String(), { minItems: 1 }) }, { additionalProperties: false }),
  // The inventory is read by the scanner's package readers, not by the check.
  reads: () => ({ globs: [] }),
  async evaluate(p, ctx) {
    const found = installed(ctx, p.names);
    if (!Array.isArray(found)) return found;
    if (found.length === 0) return pass([`none of ${p.names.join(', ')} is installed`]);
    return fail(
      found.map((n) => ({ message: `package ${n} is installed`, actual: n, expected: 'not installed' })),
    );
  },
});
