import { ApiError } from '../../protocol/errors.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import { AWS_REGIONS } from '../../regions.ts';
import { compileFilters } from '../filters.ts';
import type { Ctx } from '../types.ts';

/** DescribeRegions: the seed's regions are the enabled ones; AllRegions adds the rest as not enabled. */
export function describeRegions(ctx: Ctx): XmlObject {
  const { state, params: p } = ctx;
  const all = p.bool('AllRegions') === true;
  const names = p.list('RegionName');
  const status = (r: string) =>
    state.regions.includes(r)
      ? AWS_REGIONS[r] === 'not-opted-in'
        ? 'opted-in'
        : 'opt-in-not-required'
      : 'not-opted-in';
  let regions = all
    ? [...new Set([...Object.keys(AWS_REGIONS), ...state.regions])].sort()
    : [...state.regions].sort();
  for (const n of names)
    if (!regions.includes(n) && !(n in AWS_REGIONS))
      throw new ApiError('InvalidParameterValue', `Invalid region: ${n}`);
  if (names.length > 0) regions = regions.filter((r) => names.includes(r));
  const match = compileFilters<string>(p.filters(), {
    'region-name': (r) => r,
    endpoint: (r) => `ec2.${r}.amazonaws.com`,
    'opt-in-status': status,
  });
  return {
    regionInfo: regions
      .filter(match)
      .map((r) => ({ regionName: r, regionEndpoint: `ec2.${r}.amazonaws.com`, optInStatus: status(r) })),
  };
}

export function getImageBlockPublicAccessState(ctx: Ctx): XmlObject {
  const s = ctx.state.settingsFor(ctx.caller.accountId, ctx.caller.region);
  return { imageBlockPublicAccessState: s.blockPublicAccess, managedBy: 'account' };
}

export function enableImageBlockPublicAccess(ctx: Ctx): XmlObject {
  const v = ctx.params.str('ImageBlockPublicAccessState');
  if (v !== 'block-new-sharing')
    throw new ApiError(
      'InvalidParameterValue',
      `Value (${v}) for parameter imageBlockPublicAccessState is invalid.`,
    );
  ctx.state.settingsFor(ctx.caller.accountId, ctx.caller.region).blockPublicAccess = 'block-new-sharing';
  ctx.state.touch();
  return { imageBlockPublicAccessState: 'block-new-sharing' };
}

export function disableImageBlockPublicAccess(ctx: Ctx): XmlObject {
  ctx.state.settingsFor(ctx.caller.accountId, ctx.caller.region).blockPublicAccess = 'unblocked';
  ctx.state.touch();
  return { imageBlockPublicAccessState: 'unblocked' };
}

export function getSnapshotBlockPublicAccessState(ctx: Ctx): XmlObject {
  return {
    state: ctx.state.settingsFor(ctx.caller.accountId, ctx.caller.region).snapshotBlockPublicAccess,
    managedBy: 'account',
  };
}

export function getAllowedImagesSettings(ctx: Ctx): XmlObject {
  const a = ctx.state.settingsFor(ctx.caller.accountId, ctx.caller.region).allowedImages;
  return {
    state: a.state,
    imageCriterionSet: a.criteria.map((c) => ({
      imageProviderSet: c.providers,
      imageNameSet: c.names,
      marketplaceProductCodeSet: c.productCodes,
      creationDateCondition:
        c.maxDaysSinceCreated === undefined ? undefined : { maximumDaysSinceCreated: c.maxDaysSinceCreated },
      deprecationTimeCondition:
        c.maxDaysSinceDeprecated === undefined
          ? undefined
          : { maximumDaysSinceDeprecated: c.maxDaysSinceDeprecated },
    })),
    managedBy: 'account',
  };
}
