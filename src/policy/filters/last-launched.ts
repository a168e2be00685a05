import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';

const DAY_MS = 86_400_000;

export default defineFilter({
  type: 'last-launched',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('last-launched'),
      days: Type.Number({ minimum: 0 }),
      op: Type.Optional(Type.Union([Type.Literal('gt'), Type.Literal('lt')])),
      never: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImageAttribute'],
  needs: ['last-launched'],
  docs: {
    summary:
      'With `op: gt` (default), images whose LastLaunchedTime is more than `days` ago, and images never ' +
      'launched unless `never: false`; with `op: lt`, images launched within `days`.',
    differences:
      'AWS reports the last launch about 24 hours late, and an image can be used without new launches ' +
      '(running instances, templates): this filter never means "unused" on its own, and the guarded actions ' +
      'still check usage.',
    example: `policies:
  - name: not-launched-for-180-days
    resource: aws.ami
    filters:
      - type: last-launched
        days: 180
`,
  },
  compile(opts) {
    const older = (opts.op ?? 'gt') === 'gt';
    const never = opts.never ?? true;
    return (img, ctx) => {
      const raw = img.resource.LastLaunchedTime;
      const t = raw ? Date.parse(raw) : Number.NaN;
      if (Number.isNaN(t)) return older && never;
      const age = ctx.now.getTime() - t;
      return older ? age > opts.days * DAY_MS : age < opts.days * DAY_MS;
    };
  },
});
