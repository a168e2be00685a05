import { Type } from '@sinclair/typebox';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { FSTAB_READS, findMount } from '../parsers/fstab.ts';
import { UNIT_READS } from '../parsers/systemd-units.ts';

export const template = defineCheckTemplate({
  id: 'mount-option',
  title: 'Mount point is a separate filesystem with the required options (fstab or enabled .mount unit)',
  params: Type.Object(
    {
      mountPoint: Type.String({ pattern: '^/' }),
      /** Options that must all be present; empty = only check that the mount point is separate. */
      options: Type.Array(Type.String(), { default: [] }),
      /** No entry at all: fail (the benchmark wants a separate mount) or not-applicable (options matter only if it exists). */
      whenAbsent: Type.Union([Type.Literal('fail'), Type.Literal('not-applicable')], { default: 'fail' }),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: [...FSTAB_READS, ...UNIT_READS] }),
  async evaluate(p, ctx) {
    const entry = await findMount(ctx, p.mountPoint);
    if (!entry) {
      const why = `${p.mountPoint} is not a separate mount: no /etc/fstab line and no enabled .mount unit`;
      return p.whenAbsent === 'fail' ? fail([{ message: why, path: '/etc/fstab' }]) : notApplicable(why);
    }
    const missing = p.options.filter((o) => !entry.options.includes(o));
    if (missing.length)
      return fail([
        {
          message: `${p.mountPoint} is mounted without ${missing.join(', ')}`,
          path: entry.path,
          line: entry.line,
          actual: entry.options.join(','),
          expected: p.options.join(','),
        },
      ]);
    return pass([`${p.mountPoint} ${entry.type} ${entry.options.join(',')} at ${entry.path}:${entry.line}`]);
  },
});
