import { isoMs } from '../../seed/dates.ts';
import { ApiError, invalidParameterValue, missingParameter } from '../../protocol/errors.ts';
import { byKey, paginate } from '../../protocol/paging.ts';
import { ec2Tags } from '../../protocol/xml.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { SnapshotRec } from '../../state/types.ts';
import { bool, compileFilters } from '../filters.ts';
import type { Ctx } from '../types.ts';

const SNAP_RE = /^snap-[0-9a-f]{8,17}$/;

function restorableBy(s: SnapshotRec, accountId: string): boolean {
  return (
    s.ownerId === accountId ||
    s.createVolumePermissions.some((p) => p.group === 'all' || p.userId === accountId)
  );
}

function snapshotXml(ctx: Ctx, s: SnapshotRec): XmlObject {
  return {
    snapshotId: s.id,
    volumeId: s.volumeId,
    status: s.state,
    startTime: isoMs(s.created),
    progress: s.state === 'completed' ? '100%' : '0%',
    ownerId: s.ownerId,
    ownerAlias: ctx.state.accounts.get(s.ownerId)?.alias,
    description: s.description,
    volumeSize: s.volumeSize,
    encrypted: s.encrypted,
    kmsKeyId: s.kmsKeyId,
    storageTier: 'standard',
    tagSet: s.tags.size ? ec2Tags(s.tags) : undefined,
  };
}

export function describeSnapshots(ctx: Ctx): XmlObject {
  const { state, caller, params: p } = ctx;
  const ids = p.list('SnapshotId');
  const owners = p.list('Owner');
  const restorable = p.list('RestorableBy');
  const max = p.int('MaxResults');
  if (ids.length > 0 && max !== undefined)
    throw new ApiError(
      'InvalidParameterCombination',
      'The parameter SnapshotIds cannot be used with the parameter MaxResults',
    );
  if (max !== undefined && !(max >= 5))
    throw invalidParameterValue(
      `Value ( ${p.str('MaxResults')} ) for parameter maxResults is invalid. Expecting a value greater than 5.`,
    );
  const match = compileFilters<SnapshotRec>(
    p.filters(),
    {
      description: (s) => s.description,
      encrypted: (s) => bool(s.encrypted),
      'owner-alias': (s) => state.accounts.get(s.ownerId)?.alias,
      'owner-id': (s) => s.ownerId,
      progress: (s) => (s.state === 'completed' ? '100%' : '0%'),
      'snapshot-id': (s) => s.id,
      'start-time': (s) => isoMs(s.created),
      status: (s) => s.state,
      'storage-tier': () => 'standard',
      'volume-id': (s) => s.volumeId,
      'volume-size': (s) => String(s.volumeSize),
    },
    (s) => s.tags,
  );
  const selected = (s: SnapshotRec) => {
    if (s.region !== caller.region || !restorableBy(s, caller.accountId)) return false;
    if (
      owners.length > 0 &&
      !owners.some((o) =>
        o === 'self'
          ? s.ownerId === caller.accountId
          : o === s.ownerId || state.accounts.get(s.ownerId)?.alias === o,
      )
    )
      return false;
    if (
      restorable.length > 0 &&
      !restorable.some((r) =>
        r === 'all'
          ? s.createVolumePermissions.some((x) => x.group === 'all')
          : restorableBy(s, r === 'self' ? caller.accountId : r),
      )
    )
      return false;
    return match(s);
  };
  if (ids.length > 0) {
    const out: SnapshotRec[] = [];
    for (const id of ids) {
      if (!SNAP_RE.test(id))
        throw new ApiError(
          'InvalidParameterValue',
          `Value (${id}) for parameter snapshotId is invalid. Expected: 'snap-...'.`,
        );
      const s = state.snapshots.get(id);
      if (!s || s.region !== caller.region || !restorableBy(s, caller.accountId))
        throw new ApiError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
      if (selected(s)) out.push(s);
    }
    return { snapshotSet: out.map((s) => snapshotXml(ctx, s)) };
  }
  const listing = ctx.cache.get(
    `ec2:DescribeSnapshots|${caller.accountId}|${caller.region}|${p.fingerprint()}`,
    state.version,
    () => {
      const cand = new Set<string>([
        ...state.snapshotIdsOwnedBy(caller.accountId, caller.region),
        ...state.sharedSnapshotIds(caller.region),
      ]);
      for (const o of owners)
        if (/^[0-9]{12}$/.test(o)) for (const id of state.snapshotIdsOwnedBy(o, caller.region)) cand.add(id);
      return [...cand]
        .map((id) => state.snapshots.get(id)!)
        .filter(selected)
        .sort(byKey((s) => s.id));
    },
  );
  if (max === undefined) return { snapshotSet: listing.map((s) => snapshotXml(ctx, s)) };
  const page = paginate(listing, (s) => s.id, {
    max: Math.min(max, 1000),
    token: p.str('NextToken'),
    fingerprint: p.fingerprint(),
    invalidToken: () =>
      new ApiError('InvalidPaginationToken', `Invalid pagination token: ${p.str('NextToken')}`),
  });
  return { snapshotSet: page.items.map((s) => snapshotXml(ctx, s)), nextToken: page.nextToken };
}

/** DescribeSnapshotAttribute: owner only. */
export function describeSnapshotAttribute(ctx: Ctx): XmlObject {
  const id = ctx.params.str('SnapshotId');
  const attr = ctx.params.str('Attribute');
  if (!id) throw missingParameter('SnapshotId');
  if (!attr) throw missingParameter('Attribute');
  const s = ctx.state.snapshots.get(id);
  if (!s || s.region !== ctx.caller.region || !restorableBy(s, ctx.caller.accountId))
    throw new ApiError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  if (s.ownerId !== ctx.caller.accountId)
    throw new ApiError('AuthFailure', `Not authorized for snapshot:${id}`, 401);
  if (attr === 'createVolumePermission')
    return {
      snapshotId: s.id,
      createVolumePermission: s.createVolumePermissions.map((p) => ({ userId: p.userId, group: p.group })),
    };
  if (attr === 'productCodes') return { snapshotId: s.id, productCodes: [] };
  throw invalidParameterValue(`Value (${attr}) for parameter attribute is invalid.`);
}

/**
 * DeleteSnapshot: owner only. A snapshot that backs an image which is not deregistered is
 * refused with InvalidSnapshot.InUse, as AWS does (disabled and deprecated images hold theirs too).
 */
export function deleteSnapshot(ctx: Ctx): XmlObject {
  const { state, caller } = ctx;
  const id = ctx.params.str('SnapshotId');
  if (!id) throw missingParameter('SnapshotId');
  const s = state.snapshots.get(id);
  if (!s || s.region !== caller.region || s.ownerId !== caller.accountId)
    throw new ApiError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
  const holder = [...state.imagesUsingSnapshot(id)].find(
    (img) => state.images.get(img)?.state !== 'deregistered',
  );
  if (holder)
    throw new ApiError('InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${holder}`);
  state.deleteSnapshot(id);
  state.touch();
  return { return: true };
}
