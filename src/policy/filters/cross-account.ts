import { Type } from '@sinclair/typebox';
import { defineFilter } from './define.ts';
import type { LaunchPermission } from '../resource.ts';

/** The principals of a launch-permission list that are not allow-listed. */
export function crossAccountViolations(
  perms: readonly LaunchPermission[],
  opts: { whitelist?: readonly string[]; whitelist_orgids?: readonly string[]; everyone_only?: boolean },
): string[] {
  const accounts = new Set(opts.whitelist ?? []);
  const orgs = opts.whitelist_orgids ?? [];
  const out: string[] = [];
  for (const p of perms) {
    if (p.Group === 'all') out.push('all');
    else if (opts.everyone_only) continue;
    else if (p.UserId && !accounts.has(p.UserId)) out.push(p.UserId);
    else if (p.OrganizationArn && !orgs.some((o) => p.OrganizationArn?.endsWith(`/${o}`)))
      out.push(p.OrganizationArn);
    else if (p.OrganizationalUnitArn && !orgs.some((o) => p.OrganizationalUnitArn?.includes(`/${o}/`)))
      out.push(p.OrganizationalUnitArn);
  }
  return out;
}

export default defineFilter({
  type: 'cross-account',
  origin: 'custodian',
  schema: Type.Object(
    {
      type: Type.Literal('cross-account'),
      whitelist: Type.Optional(Type.Array(Type.String())),
      whitelist_orgids: Type.Optional(Type.Array(Type.String())),
      everyone_only: Type.Optional(Type.Boolean()),
    },
    { additionalProperties: false },
  ),
  permissions: ['ec2:DescribeImageAttribute'],
  needs: ['launch-permissions'],
  docs: {
    summary:
      'Images whose launch permissions reach an account, organisation or OU outside the allow-lists, or ' +
      'everyone; matches carry `c7n:CrossAccountViolations`. `everyone_only: true` looks at public grants only.',
    differences:
      'Images whose launch permissions the collector could not read (not the owner) never match: unknown is not shared.',
    example: `policies:
  - name: shared-beyond-partners
    resource: aws.ami
    filters:
      - type: cross-account
        whitelist: ["111122223333"]
`,
  },
  compile(opts) {
    return (img, ctx) => {
      const perms = img.launchPermissions ?? [];
      const bad = crossAccountViolations(perms, opts);
      if (img.resource.Public === true && !bad.includes('all') && img.launchPermissions !== undefined)
        bad.unshift('all');
      if (bad.length === 0) return false;
      ctx.annotate(img, 'c7n:CrossAccountViolations', bad);
      return true;
    };
  },
});
