import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';

export default defineAction({
  type: 'deregistration-protection',
  origin: 'amiwarden',
  schema: Type.Object(
    { type: Type.Literal('deregistration-protection'), cooldown: Type.Optional(Type.Boolean()) },
    { additionalProperties: false },
  ),
  permissions: ['ec2:EnableImageDeregistrationProtection'],
  guard: 'none',
  docs: {
    summary:
      'Turns deregistration protection on, with a 24-hour cooldown after it is later turned off when ' +
      '`cooldown: true` (default).',
    example: `policies:
  - name: protect-golden
    resource: aws.ami
    filters:
      - "tag:golden": "true"
    actions:
      - type: deregistration-protection
`,
  },
  compile(opts) {
    const cooldown = opts.cooldown ?? true;
    return async (img, ctx) => {
      if (img.resource.DeregistrationProtection?.startsWith('enabled')) return skipped('already protected');
      await ctx.effects.enableDeregistrationProtection(img.resource.ImageId, cooldown);
      img.resource.DeregistrationProtection = cooldown ? 'enabled-with-cooldown' : 'enabled';
      return done(`protection ${img.resource.DeregistrationProtection}`);
    };
  },
});
