import { ApiError, invalidParameterValue } from '../../protocol/errors.ts';
import { byKey, paginate } from '../../protocol/paging.ts';
import type { EstateState } from '../../state/estate.ts';
import type { Caller, ImageRec } from '../../state/types.ts';
import { bool, compileFilters } from '../filters.ts';
import type { FieldFn } from '../filters.ts';
import type { Ctx } from '../types.ts';
import { AMI_RE, canLaunch, imageAllowed, isPublic, ownerAlias, sharedWith } from './access.ts';
import { imageXml, isDeprecated } from './image-view.ts';
import { isoMs } from '../../seed/dates.ts';

const ALIASES = new Set(['amazon', 'aws-marketplace', 'aws-backup-vault']);

function imageFields(state: EstateState, caller: Caller, now: number): Record<string, FieldFn<ImageRec>> {
  const bds = (f: (b: ImageRec['blockDevices'][number]) => string | undefined) => (i: ImageRec) =>
    i.blockDevices.map(f).filter((v): v is string => v !== undefined);
  return {
    architecture: (i) => i.architecture,
    'block-device-mapping.delete-on-termination': bds((b) => bool(b.deleteOnTermination)),
    'block-device-mapping.device-name': bds((b) => b.deviceName),
    'block-device-mapping.snapshot-id': bds((b) => b.snapshotId),
    'block-device-mapping.volume-size': bds((b) =>
      b.volumeSize === undefined ? undefined : String(b.volumeSize),
    ),
    'block-device-mapping.volume-type': bds((b) => b.volumeType),
    'block-device-mapping.encrypted': bds((b) => bool(b.encrypted)),
    'creation-date': (i) => isoMs(i.created),
    description: (i) => i.description,
    'ena-support': (i) => String(i.enaSupport),
    hypervisor: () => 'xen',
    'image-id': (i) => i.id,
    'image-type': (i) => i.imageType,
    'is-public': (i) => String(isPublic(i)),
    name: (i) => i.name,
    'owner-alias': (i) => ownerAlias(state, i.ownerId),
    'owner-id': (i) => i.ownerId,
    platform: (i) => i.platform,
    'product-code': (i) => i.productCodes.map((p) => p.id),
    'product-code.type': (i) => i.productCodes.map((p) => p.type),
    'root-device-name': (i) => i.rootDeviceName,
    'root-device-type': (i) => i.rootDeviceType,
    'source-image-id': (i) => i.sourceImageId,
    'source-image-region': (i) => i.sourceImageRegion,
    state: (i) => i.state,
    'virtualization-type': (i) => i.virtualizationType,
    'image-allowed': (i) => bool(imageAllowed(state, i, caller, now)),
    'sriov-net-support': () => 'simple',
    'state-reason-code': (i) => (i.state === 'failed' ? 'Client.InternalError' : undefined),
    'free-tier-eligible': () => 'false',
    'kernel-id': () => undefined,
    'ramdisk-id': () => undefined,
  };
}

/** Which images a caller may see in the listing, before filters (AWS's visibility rules). */
function listable(
  ctx: Ctx,
  img: ImageRec,
  explicitIds: boolean,
  includeDeprecated: boolean,
  includeDisabled: boolean,
): boolean {
  const { state, caller, now } = ctx;
  if (img.state === 'deregistered' || img.region !== caller.region) return false;
  if (!canLaunch(state, img, caller.accountId)) return false;
  if (img.state === 'disabled' && !includeDisabled) return false;
  if (isDeprecated(img, now) && !includeDeprecated && !explicitIds && img.ownerId !== caller.accountId)
    return false;
  if (
    state.settingsFor(caller.accountId, caller.region).allowedImages.state === 'enabled' &&
    imageAllowed(state, img, caller, now) === false
  )
    return false;
  return true;
}

function executableBy(state: EstateState, img: ImageRec, caller: Caller, who: readonly string[]): boolean {
  return who.some((w) => {
    if (w === 'all') return isPublic(img);
    // Owners launch by ownership, not by an explicit permission, so their own images are not "shared with self".
    if (w === 'self' || w === caller.accountId)
      return img.ownerId !== caller.accountId && sharedWith(state, img, caller.accountId);
    return img.launchPermissions.some((p) => p.userId === w);
  });
}

export function describeImages(ctx: Ctx) {
  const { state, caller, params: p } = ctx;
  const ids = p.list('ImageId');
  const owners = p.list('Owner');
  const execBy = p.list('ExecutableBy');
  const max = p.int('MaxResults');
  const includeDeprecated = p.bool('IncludeDeprecated') === true;
  const includeDisabled = p.bool('IncludeDisabled') === true;
  if (ids.length > 0 && max !== undefined)
    throw new ApiError(
      'InvalidParameterCombination',
      'The parameter ImageIds cannot be used with the parameter MaxResults',
    );
  if (max !== undefined && !(max >= 5))
    throw invalidParameterValue(
      `Value ( ${p.str('MaxResults')} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
    );
  for (const o of owners)
    if (o !== 'self' && !ALIASES.has(o) && !/^[0-9]{12}$/.test(o))
      throw invalidParameterValue(`Invalid value '${o}' for Owner`);
  const match = compileFilters(p.filters(), imageFields(state, caller, ctx.now), (i) => i.tags);

  if (ids.length > 0) {
    const missing: string[] = [];
    const out: ImageRec[] = [];
    for (const id of ids) {
      if (!AMI_RE.test(id))
        throw new ApiError('InvalidAMIID.Malformed', `Invalid id: "${id}" (expecting "ami-...")`);
      const img = state.images.get(id);
      if (!img || img.region !== caller.region) missing.push(id);
      // A deregistered image answers empty while an instance still references it, then not at all.
      else if (img.state === 'deregistered') {
        if (!state.instancesOnImage.get(id)) missing.push(id);
      } else if (listable(ctx, img, true, true, includeDisabled) && selected(img)) out.push(img);
    }
    if (missing.length === 1)
      throw new ApiError('InvalidAMIID.NotFound', `The image id '[${missing[0]}]' does not exist`);
    if (missing.length > 1)
      throw new ApiError('InvalidAMIID.NotFound', `The image ids '[${missing.join(', ')}]' do not exist`);
    const unique = [...new Map(out.map((i) => [i.id, i])).values()];
    return { imagesSet: unique.map((i) => imageXml(state, i, caller, ctx.now)) };
  }

  const listing = ctx.cache.get(
    `ec2:DescribeImages|${caller.accountId}|${caller.region}|${ctx.now}|${p.fingerprint()}`,
    state.version,
    () => {
      const candidates = new Set<string>();
      const addAll = (ids_: Iterable<string>) => {
        for (const id of ids_) candidates.add(id);
      };
      if (owners.length > 0) {
        for (const o of owners) {
          if (o === 'self') addAll(state.imageIdsOwnedBy(caller.accountId, caller.region));
          else if (ALIASES.has(o)) {
            for (const a of state.accounts.values())
              if (a.alias === o) addAll(state.imageIdsOwnedBy(a.id, caller.region));
          } else addAll(state.imageIdsOwnedBy(o, caller.region));
        }
      } else {
        addAll(state.imageIdsOwnedBy(caller.accountId, caller.region));
        addAll(state.publicImageIds(caller.region));
        addAll(state.sharedImageIds(caller.region));
      }
      const out: ImageRec[] = [];
      for (const id of candidates) {
        const img = state.images.get(id)!;
        if (listable(ctx, img, false, includeDeprecated, includeDisabled) && selected(img)) out.push(img);
      }
      return out.sort(byKey((i) => i.id));
    },
  );

  if (max === undefined) return { imagesSet: listing.map((i) => imageXml(state, i, caller, ctx.now)) };
  const page = paginate(listing, (i) => i.id, {
    max: Math.min(max, 1000),
    token: p.str('NextToken'),
    fingerprint: p.fingerprint(),
    invalidToken: () =>
      new ApiError('InvalidPaginationToken', `Invalid pagination token: ${p.str('NextToken')}`),
  });
  return { imagesSet: page.items.map((i) => imageXml(state, i, caller, ctx.now)), nextToken: page.nextToken };

  function selected(img: ImageRec): boolean {
    if (ids.length > 0 && owners.length > 0 && !owners.some((o) => ownerMatches(o, img))) return false;
    if (execBy.length > 0 && !executableBy(state, img, caller, execBy)) return false;
    return match(img);
  }

  function ownerMatches(o: string, img: ImageRec): boolean {
    if (o === 'self') return img.ownerId === caller.accountId;
    return img.ownerId === o || ownerAlias(state, img.ownerId) === o;
  }
}
