import { ApiError, invalidParameterValue, missingParameter } from '../../protocol/errors.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { Ctx } from '../types.ts';
import { ownedImage } from './access.ts';

/** The tag map of a resource the caller owns in its region, by id prefix. */
function tagsOf(ctx: Ctx, id: string): Map<string, string> {
  const { state, caller } = ctx;
  if (id.startsWith('ami-')) return ownedImage(state, caller, id).tags;
  const mine = <T extends { ownerId: string; region: string }>(r: T | undefined) =>
    r && r.ownerId === caller.accountId && r.region === caller.region ? r : undefined;
  if (id.startsWith('snap-')) {
    const s = mine(state.snapshots.get(id));
    if (!s) throw new ApiError('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    return s.tags;
  }
  if (id.startsWith('i-')) {
    const i = mine(state.instances.get(id));
    if (!i) throw new ApiError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
    return i.tags;
  }
  if (id.startsWith('lt-')) {
    const t = mine(state.launchTemplates.get(id));
    if (!t)
      throw new ApiError(
        'InvalidLaunchTemplateId.NotFound',
        `The specified launch template, with template ID ${id}, does not exist.`,
      );
    return t.tags;
  }
  throw new ApiError('InvalidID', `The ID '${id}' is not valid`);
}

export function createTags(ctx: Ctx): XmlObject {
  const ids = ctx.params.list('ResourceId');
  if (ids.length === 0) throw missingParameter('ResourceId');
  if (ids.length > 1000) throw invalidParameterValue('Too many resources: at most 1000 per request.');
  const tags = ctx.params.structs('Tag').map((g) => ({ key: g.get('Key'), value: g.get('Value') ?? '' }));
  if (tags.length === 0) throw missingParameter('Tag');
  for (const t of tags) {
    if (!t.key) throw missingParameter('Tag.N.Key');
    if (t.key.startsWith('aws:'))
      throw invalidParameterValue(`Tag keys starting with 'aws:' are reserved for internal use`);
    if (t.key.length > 127 || t.value.length > 256) throw invalidParameterValue(`Tag ${t.key} is too long`);
  }
  const maps = ids.map((id) => tagsOf(ctx, id));
  for (const m of maps) {
    const added = tags.filter((t) => !m.has(t.key!)).length;
    if (m.size + added > 50)
      throw new ApiError(
        'TagLimitExceeded',
        'The maximum number of tags (50) for a resource has been reached.',
      );
  }
  for (const m of maps) for (const t of tags) m.set(t.key!, t.value);
  ctx.state.touch();
  return { return: true };
}

/** DeleteTags: a key alone deletes whatever its value; key + value only on a match; no tags at all deletes every tag. */
export function deleteTags(ctx: Ctx): XmlObject {
  const ids = ctx.params.list('ResourceId');
  if (ids.length === 0) throw missingParameter('ResourceId');
  const tags = ctx.params.structs('Tag').map((g) => ({ key: g.get('Key'), value: g.get('Value') }));
  const maps = ids.map((id) => tagsOf(ctx, id));
  for (const m of maps) {
    if (tags.length === 0) {
      for (const k of [...m.keys()]) if (!k.startsWith('aws:')) m.delete(k);
      continue;
    }
    for (const t of tags) {
      if (!t.key) continue;
      if (t.value === undefined || m.get(t.key) === t.value) m.delete(t.key);
    }
  }
  ctx.state.touch();
  return { return: true };
}
