import { DescribeImageAttributeCommand } from '@aws-sdk/client-ec2';
import type { LaunchPermission } from '@aws-sdk/client-ec2';
import { mapLimit } from '../aws/paging.ts';
import type { RowOf } from '../store/sync.ts';
import type { ScopeContext } from './types.ts';

export function permissionRow(imageId: string, p: LaunchPermission): RowOf<'launch_permissions'> | undefined {
  if (p.UserId) return { image_id: imageId, kind: 'account', value: p.UserId };
  if (p.Group) return { image_id: imageId, kind: 'group', value: p.Group };
  if (p.OrganizationArn) return { image_id: imageId, kind: 'organization', value: p.OrganizationArn };
  if (p.OrganizationalUnitArn)
    return { image_id: imageId, kind: 'organizational-unit', value: p.OrganizationalUnitArn };
  return undefined;
}

/**
 * Launch permissions of owned images. Only the owner can read them, and there is no bulk
 * call: one DescribeImageAttribute per image, with bounded concurrency.
 */
export async function collectLaunchPermissions(
  ctx: ScopeContext,
  imageIds: readonly string[],
): Promise<RowOf<'launch_permissions'>[]> {
  const perImage = await mapLimit(imageIds, ctx.attributeConcurrency, async (id) => {
    const res = await ctx.clients.ec2.send(
      new DescribeImageAttributeCommand({ ImageId: id, Attribute: 'launchPermission' }),
    );
    return (res.LaunchPermissions ?? []).map((p) => permissionRow(id, p)).filter((r) => r !== undefined);
  });
  return perImage.flat();
}
