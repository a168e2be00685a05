import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';
import { principalOf } from './remove-launch-permissions.ts';

export default defineAction({
  type: 'unshare',
  origin: 'amiwarden',
  schema: Type.Object(
    {
      type: Type.Literal('unshare'),
      public: Type.Optional(Type.Boolean()),
      allow: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{12}$' }))),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:ModifyImageAttribute'],
  guard: 'in-use',
  docs: {
    summary:
      '`public: true` drops only the public grant; otherwise drops every launch permission outside the ' +
      '`allow` list of account ids (organisation and OU grants included).',
    example: `policies:
  - name: unshare-public
    resource: aws.ami
    filters:
      - Public: true
    actions:
      - type: unshare
        public: true
`,
  },
  compile(opts) {
    const allow = new Set(opts.allow ?? []);
    return async (img, ctx) => {
      const perms = img.launchPermissions ?? [];
      const drop = opts.public
        ? perms.filter((p) => p.Group === 'all')
        : perms.filter((p) => !(p.UserId && allow.has(p.UserId)));
      if (drop.length === 0) return skipped('nothing to unshare');
      await ctx.effects.removeLaunchPermissions(img.resource.ImageId, drop);
      img.launchPermissions = perms.filter((p) => !drop.includes(p));
      if (drop.some((p) => p.Group === 'all')) img.resource.Public = false;
      return done(`unshared from ${drop.map(principalOf).join(', ')}`);
    };
  },
});
