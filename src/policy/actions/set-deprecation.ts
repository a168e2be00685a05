import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';

export default defineAction({
  type: 'set-deprecation',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('set-deprecation'),
      days: Type.Optional(Type.Integer({ minimum: 0 })),
      date: Type.Optional(Type.String({ minLength: 1 })),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:EnableImageDeprecation'],
  guard: 'none',
  docs: {
    summary: 'Sets the deprecation time `days` from now (default 0: now) or at `date` (ISO 8601).',
    differences: 'An image already deprecated at or before that time is left alone.',
    example: `policies:
  - name: deprecate-old
    resource: aws.ami
    filters:
      - type: image-age
        days: 365
    actions:
      - type: set-deprecation
        days: 30
`,
  },
  compile(opts) {
    const fixed = opts.date !== undefined ? new Date(opts.date) : undefined;
    if (fixed && Number.isNaN(fixed.getTime()))
      throw new Error(`set-deprecation date "${opts.date}" is not a date`);
    return async (img, ctx) => {
      const at = fixed ?? new Date(ctx.now.getTime() + (opts.days ?? 0) * 86_400_000);
      at.setUTCSeconds(0, 0); // AWS keeps minute precision
      const current = img.resource.DeprecationTime ? Date.parse(img.resource.DeprecationTime) : Number.NaN;
      if (!Number.isNaN(current) && current <= at.getTime())
        return skipped(`already deprecated at ${img.resource.DeprecationTime}`);
      await ctx.effects.enableDeprecation(img.resource.ImageId, at);
      img.resource.DeprecationTime = at.toISOString();
      return done(`deprecation set to ${at.toISOString()}`);
    };
  },
});
