import { GetAllowedImagesSettingsCommand, GetImageBlockPublicAccessStateCommand } from '@aws-sdk/client-ec2';
import type { RowOf } from '../store/sync.ts';
import type { ScopeContext } from './types.ts';

/** Block public access for AMIs and the Allowed AMIs setting, per account and region. */
export async function collectAccountSettings(ctx: ScopeContext): Promise<RowOf<'account_settings'>> {
  const bpa = await ctx.clients.ec2.send(new GetImageBlockPublicAccessStateCommand({}));
  const allowed = await ctx.clients.ec2.send(new GetAllowedImagesSettingsCommand({}));
  return {
    account_id: ctx.accountId,
    region: ctx.region,
    image_block_public_access: bpa.ImageBlockPublicAccessState ?? null,
    image_block_public_access_managed_by: bpa.ManagedBy ?? null,
    allowed_images_state: allowed.State ?? null,
    allowed_images_criteria: JSON.stringify(allowed.ImageCriteria ?? []),
  };
}
