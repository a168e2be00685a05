import { ApiError } from '../../protocol/errors.ts';
import type { EstateState } from '../../state/estate.ts';
import type { Caller, ImageRec } from '../../state/types.ts';

export const AMI_RE = /^ami-[0-9a-f]{8,17}$/;

export function orgArnOf(state: EstateState): string | undefined {
  const org = state.organization;
  return org ? `arn:aws:organizations::${org.managementAccount}:organization/${org.id}` : undefined;
}

/** Launch permissions that name `accountId` explicitly, or its organization or one of its OUs. */
export function sharedWith(state: EstateState, img: ImageRec, accountId: string): boolean {
  if (img.launchPermissions.length === 0) return false;
  const member = state.accounts.get(accountId)?.member === true;
  const orgArn = member ? orgArnOf(state) : undefined;
  let ous: string[] | undefined;
  for (const p of img.launchPermissions) {
    if (p.userId === accountId) return true;
    if (orgArn && p.organizationArn === orgArn) return true;
    if (member && p.organizationalUnitArn) {
      ous ??= state.ouPath(accountId);
      const ou = p.organizationalUnitArn.slice(p.organizationalUnitArn.lastIndexOf('/') + 1);
      if (ous.includes(ou)) return true;
    }
  }
  return false;
}

export function isPublic(img: ImageRec): boolean {
  return img.launchPermissions.some((p) => p.group === 'all');
}

export function canLaunch(state: EstateState, img: ImageRec, accountId: string): boolean {
  return img.ownerId === accountId || isPublic(img) || sharedWith(state, img, accountId);
}

export function ownerAlias(state: EstateState, ownerId: string): string | undefined {
  return state.accounts.get(ownerId)?.alias;
}

/**
 * The image a mutation or attribute call names, in the caller's region: it must exist (else
 * NotFound), not be deregistered (Unavailable), and belong to the caller (AuthFailure).
 */
export function ownedImage(state: EstateState, caller: Caller, imageId: string | undefined): ImageRec {
  if (!imageId) throw new ApiError('MissingParameter', 'The request must contain the parameter ImageId');
  if (!AMI_RE.test(imageId))
    throw new ApiError('InvalidAMIID.Malformed', `Invalid id: "${imageId}" (expecting "ami-...")`);
  const img = state.images.get(imageId);
  if (
    !img ||
    img.region !== caller.region ||
    (img.ownerId !== caller.accountId && !canLaunch(state, img, caller.accountId))
  )
    throw new ApiError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  if (img.state === 'deregistered')
    throw new ApiError('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is no longer available`);
  if (img.ownerId !== caller.accountId)
    throw new ApiError('AuthFailure', `Not authorized for image:${imageId}`, 401);
  return img;
}

/** Allowed AMIs: an image passes when it is the caller's own or matches any criterion in full. */
export function imageAllowed(
  state: EstateState,
  img: ImageRec,
  caller: Caller,
  now: number,
): boolean | undefined {
  const settings = state.settingsFor(caller.accountId, caller.region).allowedImages;
  if (settings.state === 'disabled') return undefined;
  if (img.ownerId === caller.accountId) return true;
  const alias = ownerAlias(state, img.ownerId);
  return settings.criteria.some((c) => {
    if (c.providers && !c.providers.some((p) => p === img.ownerId || p === alias)) return false;
    if (c.names && !c.names.some((n) => wildcardTest(n, img.name))) return false;
    if (c.productCodes && !img.productCodes.some((pc) => c.productCodes!.includes(pc.id))) return false;
    if (c.maxDaysSinceCreated !== undefined && now - img.created > c.maxDaysSinceCreated * 86_400_000)
      return false;
    if (
      c.maxDaysSinceDeprecated !== undefined &&
      img.deprecationTime !== undefined &&
      now - img.deprecationTime > c.maxDaysSinceDeprecated * 86_400_000
    )
      return false;
    return true;
  });
}

function wildcardTest(pattern: string, value: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(value);
}
