import { isoMs } from '../../seed/dates.ts';
import { ApiError, invalidParameterValue } from '../../protocol/errors.ts';
import { byKey, paginate } from '../../protocol/paging.ts';
import { ec2Tags } from '../../protocol/xml.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { InstanceRec } from '../../state/types.ts';
import { compileFilters } from '../filters.ts';
import type { FieldFn } from '../filters.ts';
import type { Ctx } from '../types.ts';
import { imageAllowed, isPublic, ownerAlias } from './access.ts';
import { isoMinute } from '../../seed/dates.ts';

const STATE_CODES: Record<InstanceRec['state'], number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};
const INSTANCE_RE = /^i-[0-9a-f]{8,17}$/;

const FIELDS: Record<string, FieldFn<InstanceRec>> = {
  'image-id': (i) => i.imageId,
  'instance-id': (i) => i.id,
  'instance-state-name': (i) => i.state,
  'instance-state-code': (i) => String(STATE_CODES[i.state]),
  'instance-type': (i) => i.instanceType,
  'launch-time': (i) => isoMs(i.launched),
  'owner-id': (i) => i.ownerId,
  'availability-zone': (i) => i.availabilityZone,
  'reservation-id': (i) => i.reservationId,
  'platform-details': (i) => (i.platform === 'windows' ? 'Windows' : 'Linux/UNIX'),
};

function instanceXml(i: InstanceRec): XmlObject {
  return {
    instanceId: i.id,
    imageId: i.imageId,
    instanceState: { code: STATE_CODES[i.state], name: i.state },
    instanceType: i.instanceType,
    launchTime: isoMs(i.launched),
    placement: { availabilityZone: i.availabilityZone, tenancy: 'default' },
    platform: i.platform,
    platformDetails: i.platform === 'windows' ? 'Windows' : 'Linux/UNIX',
    usageOperation: i.platform === 'windows' ? 'RunInstances:0002' : 'RunInstances',
    architecture: 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: '/dev/xvda',
    tagSet: i.tags.size ? ec2Tags(i.tags) : undefined,
  };
}

/** The caller's instances in its region that the request's ids and filters select, sorted by id. */
function selectInstances(ctx: Ctx, action: string): { list: InstanceRec[]; byIds: boolean } {
  const { state, caller, params: p } = ctx;
  const ids = p.list('InstanceId');
  const match = compileFilters(p.filters(), FIELDS, (i) => i.tags);
  if (ids.length > 0) {
    if (p.int('MaxResults') !== undefined)
      throw new ApiError(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    const missing: string[] = [];
    const out: InstanceRec[] = [];
    for (const id of ids) {
      if (!INSTANCE_RE.test(id)) throw new ApiError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
      const inst = state.instances.get(id);
      if (!inst || inst.region !== caller.region || inst.ownerId !== caller.accountId) missing.push(id);
      else if (match(inst)) out.push(inst);
    }
    if (missing.length > 0)
      throw new ApiError(
        'InvalidInstanceID.NotFound',
        `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' ${missing.length > 1 ? 'do' : 'does'} not exist`,
      );
    return { list: out, byIds: true };
  }
  const list = ctx.cache.get(
    `ec2:${action}|${caller.accountId}|${caller.region}|${p.fingerprint()}`,
    state.version,
    () =>
      [...state.instanceIdsOwnedBy(caller.accountId, caller.region)]
        .map((id) => state.instances.get(id)!)
        .filter(match)
        .sort(byKey((i) => i.id)),
  );
  return { list, byIds: false };
}

function pageOf<T>(
  ctx: Ctx,
  list: T[],
  keyOf: (t: T) => string,
  limit = 1000,
): { items: T[]; nextToken?: string } {
  const p = ctx.params;
  const max = p.int('MaxResults');
  if (max === undefined) return { items: list };
  if (!(max >= 5))
    throw invalidParameterValue(
      `Value ( ${p.str('MaxResults')} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
    );
  return paginate(list, keyOf, {
    max: Math.min(max, limit),
    token: p.str('NextToken'),
    fingerprint: p.fingerprint(),
    invalidToken: () =>
      new ApiError('InvalidPaginationToken', `Invalid pagination token: ${p.str('NextToken')}`),
  });
}

/** DescribeInstances: one reservation per instance unless the seed groups them; pages count reservations. */
export function describeInstances(ctx: Ctx): XmlObject {
  const { list } = selectInstances(ctx, 'DescribeInstances');
  const groups = new Map<string, InstanceRec[]>();
  for (const i of list) {
    const g = groups.get(i.reservationId);
    if (g) g.push(i);
    else groups.set(i.reservationId, [i]);
  }
  const reservations = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const page = pageOf(ctx, reservations, (r) => r[0]);
  return {
    reservationSet: page.items.map(([rid, insts]) => ({
      reservationId: rid,
      ownerId: insts[0]!.ownerId,
      groupSet: [],
      instancesSet: insts.map(instanceXml),
    })),
    nextToken: page.nextToken,
  };
}

/** DescribeInstanceImageMetadata: the image behind each instance, even once deregistered or unshared. */
export function describeInstanceImageMetadata(ctx: Ctx): XmlObject {
  const { state, caller } = ctx;
  const { list } = selectInstances(ctx, 'DescribeInstanceImageMetadata');
  const page = pageOf(ctx, list, (i) => i.id);
  return {
    instanceImageMetadataSet: page.items.map((i) => {
      const img = state.images.get(i.imageId);
      return {
        instanceId: i.id,
        instanceType: i.instanceType,
        launchTime: isoMs(i.launched),
        availabilityZone: i.availabilityZone,
        instanceState: { code: STATE_CODES[i.state], name: i.state },
        instanceOwnerId: i.ownerId,
        tagSet: i.tags.size ? ec2Tags(i.tags) : undefined,
        imageMetadata: img
          ? {
              imageId: img.id,
              name: img.name,
              imageOwnerId: img.ownerId,
              imageState: img.state,
              imageOwnerAlias: ownerAlias(state, img.ownerId),
              creationDate: isoMs(img.created),
              deprecationTime: img.deprecationTime === undefined ? undefined : isoMinute(img.deprecationTime),
              imageAllowed: imageAllowed(state, img, caller, ctx.now),
              isPublic: isPublic(img),
            }
          : { imageId: i.imageId },
      };
    }),
    nextToken: page.nextToken,
  };
}

export { pageOf };
