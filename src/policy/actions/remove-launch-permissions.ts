import { Type } from '@sinclair/typebox';
import { defineAction, done, skipped } from './define.ts';
import type { LaunchPermission } from '../resource.ts';

export function principalOf(p: LaunchPermission): string {
  return p.UserId ?? (p.Group === 'all' ? 'all' : (p.OrganizationArn ?? p.OrganizationalUnitArn ?? '?'));
}

export default defineAction({
  type: 'remove-launch-permissions',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('remove-launch-permissions'),
      accounts: Type.Optional(Type.Union([Type.Literal('matched'), Type.Literal('all')])),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:ModifyImageAttribute'],
  guard: 'in-use',
  docs: {
    summary:
      '`accounts: all` (default) removes every launch permission; `matched` removes only the principals the ' +
      '`cross-account` filter reported.',
    differences: 'Skipped for images in use in a consumer account unless `allow-in-use: true`.',
    example: `policies:
  - name: stop-sharing
    resource: aws.ami
    filters:
      - type: cross-account
        whitelist: ["111122223333"]
    actions:
      - type: remove-launch-permissions
        accounts: matched
`,
  },
  compile(opts) {
    return async (img, ctx) => {
      const perms = img.launchPermissions ?? [];
      let drop = perms;
      if (opts.accounts === 'matched') {
        const matched = ctx.annotations['c7n:CrossAccountViolations'];
        const names = new Set(Array.isArray(matched) ? matched.map(String) : []);
        drop = perms.filter((p) => names.has(principalOf(p)));
      }
      if (drop.length === 0) return skipped('no launch permissions to remove');
      await ctx.effects.removeLaunchPermissions(img.resource.ImageId, drop);
      img.launchPermissions = perms.filter((p) => !drop.includes(p));
      if (drop.some((p) => p.Group === 'all')) img.resource.Public = false;
      return done(`removed launch permissions for ${drop.map(principalOf).join(', ')}`);
    };
  },
});
