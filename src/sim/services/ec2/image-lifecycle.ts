import { ApiError, invalidParameterValue, missingParameter } from '../../protocol/errors.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { Ctx } from '../types.ts';
import { ownedImage } from './access.ts';

const DAY = 86_400_000;

/** DeregisterImage: refused under protection (and its cooldown); can delete snapshots no other image uses. */
export function deregisterImage(ctx: Ctx): XmlObject {
  const { state, now } = ctx;
  const img = ownedImage(state, ctx.caller, ctx.params.str('ImageId'));
  const protectedNow =
    img.deregistrationProtection !== 'disabled' ||
    (img.protectionCooldownUntil !== undefined && img.protectionCooldownUntil > now);
  if (protectedNow)
    throw new ApiError(
      'OperationNotPermitted',
      `Image ${img.id} has deregistration protection enabled. Disable deregistration protection before deregistering it.`,
    );
  img.state = 'deregistered';
  img.launchPermissions = [];
  state.reindexImageSharing(img);
  const results: XmlObject[] = [];
  if (ctx.params.bool('DeleteAssociatedSnapshots') === true) {
    for (const bd of img.blockDevices) {
      if (!bd.snapshotId) continue;
      const snap = state.snapshots.get(bd.snapshotId);
      if (!snap) {
        results.push({ snapshotId: bd.snapshotId, returnCode: 'client-error' });
        continue;
      }
      // A snapshot another registered image still uses is kept.
      const others = [...state.imagesUsingSnapshot(snap.id)].filter(
        (id) => id !== img.id && state.images.get(id)?.state !== 'deregistered',
      );
      if (others.length > 0) results.push({ snapshotId: snap.id, returnCode: 'skipped' });
      else if (snap.ownerId !== ctx.caller.accountId)
        results.push({ snapshotId: snap.id, returnCode: 'missing-permissions' });
      else {
        state.deleteSnapshot(snap.id);
        results.push({ snapshotId: snap.id, returnCode: 'success' });
      }
    }
  }
  state.touch();
  return ctx.params.bool('DeleteAssociatedSnapshots') === true
    ? { return: true, deleteSnapshotResultSet: results }
    : { return: true };
}

export function enableImageDeprecation(ctx: Ctx): XmlObject {
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  const raw = ctx.params.str('DeprecateAt');
  if (!raw) throw missingParameter('DeprecateAt');
  const at = Date.parse(raw);
  if (Number.isNaN(at)) throw invalidParameterValue(`Value (${raw}) for parameter deprecateAt is invalid.`);
  const rounded = Math.round(at / 60_000) * 60_000;
  if (rounded < ctx.now) throw invalidParameterValue('The deprecation time must be in the future.');
  if (rounded > ctx.now + 3652 * DAY)
    throw invalidParameterValue('The deprecation time cannot be more than 10 years in the future.');
  img.deprecationTime = rounded;
  ctx.state.touch();
  return { return: true };
}

export function disableImageDeprecation(ctx: Ctx): XmlObject {
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  img.deprecationTime = undefined;
  ctx.state.touch();
  return { return: true };
}

/** DisableImage: the image turns private (every share is dropped for good) and hidden by default. */
export function disableImage(ctx: Ctx): XmlObject {
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  if (img.state === 'disabled') throw new ApiError('IncorrectState', `Image ${img.id} is already disabled.`);
  if (img.state !== 'available')
    throw new ApiError('IncorrectState', `Image ${img.id} is ${img.state} and cannot be disabled.`);
  img.state = 'disabled';
  img.launchPermissions = [];
  ctx.state.reindexImageSharing(img);
  ctx.state.touch();
  return { return: true };
}

export function enableImage(ctx: Ctx): XmlObject {
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  if (img.state !== 'disabled') throw new ApiError('IncorrectState', `Image ${img.id} is not disabled.`);
  img.state = 'available';
  ctx.state.touch();
  return { return: true };
}

export function enableImageDeregistrationProtection(ctx: Ctx): XmlObject {
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  img.deregistrationProtection =
    ctx.params.bool('WithCooldown') === true ? 'enabled-with-cooldown' : 'enabled-without-cooldown';
  img.protectionCooldownUntil = undefined;
  ctx.state.touch();
  return { return: img.deregistrationProtection };
}

/** Disabling protection that was enabled with cooldown keeps the image protected for 24 more hours. */
export function disableImageDeregistrationProtection(ctx: Ctx): XmlObject {
  const img = ownedImage(ctx.state, ctx.caller, ctx.params.str('ImageId'));
  if (img.deregistrationProtection === 'enabled-with-cooldown') img.protectionCooldownUntil = ctx.now + DAY;
  img.deregistrationProtection = 'disabled';
  ctx.state.touch();
  return { return: 'disabled' };
}
