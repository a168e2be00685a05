import { isoMs } from '../../seed/dates.ts';
import { ApiError, invalidParameterValue, missingParameter } from '../../protocol/errors.ts';
import type { QueryParams } from '../../protocol/params.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { LaunchPermission } from '../../state/types.ts';
import type { Ctx } from '../types.ts';
import { orgArnOf, ownedImage } from './access.ts';
import { protectionText } from './image-view.ts';

const permXml = (p: LaunchPermission): XmlObject => ({
  userId: p.userId,
  group: p.group,
  organizationArn: p.organizationArn,
  organizationalUnitArn: p.organizationalUnitArn,
});

/** DescribeImageAttribute: owner-only, one attribute per call. */
export function describeImageAttribute(ctx: Ctx): XmlObject {
  const attr = ctx.params.str('Attribute');
  if (!attr) throw missingParameter('Attribute');
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  const value = (v: string | undefined) => (v === undefined ? {} : { value: v });
  const out: XmlObject = { imageId: img.id };
  switch (attr) {
    case 'launchPermission':
      return { ...out, launchPermission: img.launchPermissions.map(permXml) };
    case 'lastLaunchedTime':
      return {
        ...out,
        lastLaunchedTime: value(img.lastLaunched === undefined ? undefined : isoMs(img.lastLaunched)),
      };
    case 'deregistrationProtection':
      return { ...out, deregistrationProtection: value(protectionText(img, ctx.now)) };
    case 'imdsSupport':
      return { ...out, imdsSupport: value(img.imdsSupport) };
    case 'description':
      return { ...out, description: value(img.description) };
    case 'bootMode':
      return { ...out, bootMode: value(img.bootMode) };
    case 'tpmSupport':
      return { ...out, tpmSupport: value(img.tpmSupport) };
    case 'sriovNetSupport':
      return { ...out, sriovNetSupport: value('simple') };
    case 'kernel':
      return { ...out, kernel: {} };
    case 'ramdisk':
      return { ...out, ramdisk: {} };
    case 'uefiData':
      return { ...out, uefiData: {} };
    case 'productCodes':
      return { ...out, productCodes: img.productCodes.map((p) => ({ productCode: p.id, type: p.type })) };
    case 'blockDeviceMapping':
      // Deprecated attribute: AWS answers AuthFailure (kept so collectors notice).
      throw new ApiError('AuthFailure', 'Unauthorized attempt to access restricted resource', 401);
    default:
      throw invalidParameterValue(`Value (${attr}) for parameter attribute is invalid. Unknown attribute.`);
  }
}

function permissionsFrom(p: QueryParams, op: 'Add' | 'Remove'): LaunchPermission[] {
  return p.structs(`LaunchPermission.${op}`).map((g) => {
    const perm: LaunchPermission = {};
    if (g.has('UserId')) perm.userId = g.get('UserId');
    if (g.has('Group')) perm.group = g.get('Group') as 'all';
    if (g.has('OrganizationArn')) perm.organizationArn = g.get('OrganizationArn');
    if (g.has('OrganizationalUnitArn')) perm.organizationalUnitArn = g.get('OrganizationalUnitArn');
    return perm;
  });
}

/** The flat style: `Attribute=launchPermission&OperationType=add&UserId.1=...`. */
function flatPermissions(p: QueryParams): LaunchPermission[] {
  return [
    ...p.list('UserId').map((userId) => ({ userId })),
    ...p.list('UserGroup').map((g) => ({ group: g as 'all' })),
    ...p.list('OrganizationArn').map((organizationArn) => ({ organizationArn })),
    ...p.list('OrganizationalUnitArn').map((organizationalUnitArn) => ({ organizationalUnitArn })),
  ];
}

const samePerm = (a: LaunchPermission, b: LaunchPermission) =>
  a.userId === b.userId &&
  a.group === b.group &&
  a.organizationArn === b.organizationArn &&
  a.organizationalUnitArn === b.organizationalUnitArn;

export function modifyImageAttribute(ctx: Ctx): XmlObject {
  const { state, caller, params: p } = ctx;
  const img = ownedImage(state, caller, p.str('ImageId'));
  let add = permissionsFrom(p, 'Add');
  let remove = permissionsFrom(p, 'Remove');
  const op = p.str('OperationType');
  if (add.length === 0 && remove.length === 0 && op) {
    if (op === 'add') add = flatPermissions(p);
    else if (op === 'remove') remove = flatPermissions(p);
    else throw invalidParameterValue(`Value (${op}) for parameter operationType is invalid.`);
  }
  const description =
    p.str('Description.Value') ?? (p.str('Attribute') === 'description' ? p.str('Value') : undefined);
  const imds =
    p.str('ImdsSupport.Value') ?? (p.str('Attribute') === 'imdsSupport' ? p.str('Value') : undefined);
  if (add.length === 0 && remove.length === 0 && description === undefined && imds === undefined)
    throw new ApiError('MissingParameter', 'No attributes specified.');
  if (description !== undefined) img.description = description;
  if (imds !== undefined) {
    if (imds !== 'v2.0') throw invalidParameterValue(`Value (${imds}) for parameter imdsSupport is invalid.`);
    img.imdsSupport = 'v2.0';
  }
  for (const perm of [...add, ...remove]) validatePermission(ctx, perm);
  if (add.length > 0 && img.state === 'disabled')
    throw new ApiError(
      'OperationNotPermitted',
      `You can't share a disabled image (${img.id}). Enable it first.`,
      400,
    );
  if (add.some((a) => a.group === 'all')) {
    if (state.settingsFor(caller.accountId, caller.region).blockPublicAccess === 'block-new-sharing')
      throw new ApiError(
        'OperationNotPermitted',
        'You cannot make this image public because image block public access is enabled for this account in this Region.',
        400,
      );
    if (img.productCodes.some((pc) => pc.type === 'marketplace'))
      throw new ApiError(
        'InvalidParameter',
        'Images with AWS Marketplace product codes cannot be made public.',
        400,
      );
  }
  img.launchPermissions = img.launchPermissions.filter((x) => !remove.some((r) => samePerm(r, x)));
  for (const a of add) if (!img.launchPermissions.some((x) => samePerm(a, x))) img.launchPermissions.push(a);
  state.reindexImageSharing(img);
  state.touch();
  return { return: true };
}

function validatePermission(ctx: Ctx, perm: LaunchPermission): void {
  const set = Object.values(perm).filter((v) => v !== undefined).length;
  if (set !== 1)
    throw invalidParameterValue(
      'A launch permission names exactly one of UserId, Group, OrganizationArn, OrganizationalUnitArn.',
    );
  if (perm.userId !== undefined && !/^[0-9]{12}$/.test(perm.userId))
    throw new ApiError(
      'InvalidAMIAttributeItemValue',
      `Invalid attribute item value "${perm.userId}" for userId item type.`,
    );
  if (perm.group !== undefined && perm.group !== 'all')
    throw new ApiError(
      'InvalidAMIAttributeItemValue',
      `Invalid attribute item value "${perm.group}" for group item type.`,
    );
  const orgArn = orgArnOf(ctx.state);
  if (perm.organizationArn !== undefined && perm.organizationArn !== orgArn)
    throw invalidParameterValue(
      `The organization ARN ${perm.organizationArn} is not valid for your account.`,
    );
  if (perm.organizationalUnitArn !== undefined) {
    const org = ctx.state.organization;
    const m = /^arn:aws:organizations::[0-9]{12}:ou\/(o-[a-z0-9]+)\/(ou-[0-9a-z]+-[0-9a-z]+)$/.exec(
      perm.organizationalUnitArn,
    );
    if (!org || !m || m[1] !== org.id || !org.ous.some((o) => o.id === m[2]))
      throw invalidParameterValue(
        `The organizational unit ARN ${perm.organizationalUnitArn} is not valid for your account.`,
      );
  }
}

export function resetImageAttribute(ctx: Ctx): XmlObject {
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  const attr = ctx.params.str('Attribute');
  if (attr !== 'launchPermission')
    throw invalidParameterValue(
      `Value (${attr}) for parameter attribute is invalid. Only launchPermission can be reset.`,
    );
  img.launchPermissions = [];
  ctx.state.reindexImageSharing(img);
  ctx.state.touch();
  return { return: true };
}
