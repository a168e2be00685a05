import { isoMs } from '../../seed/dates.ts';
import { ApiError, invalidParameterValue } from '../../protocol/errors.ts';
import { byKey, paginate } from '../../protocol/paging.ts';
import { ec2Tags } from '../../protocol/xml.ts';
import type { XmlObject } from '../../protocol/xml.ts';
import type { LaunchTemplateRec, LaunchTemplateVersionRec } from '../../state/types.ts';
import { compileFilters } from '../filters.ts';
import type { Ctx } from '../types.ts';

const LT_RE = /^lt-[0-9a-f]{8,17}$/;

/** Launch template describes page 1..200 at a time (EC2 enforces the bounds). */
function page<T>(ctx: Ctx, list: T[], keyOf: (t: T) => string): { items: T[]; nextToken?: string } {
  const p = ctx.params;
  const max = p.int('MaxResults');
  if (max === undefined) return { items: list };
  if (!(max >= 1 && max <= 200)) throw invalidParameterValue('Maximum results allowed are between 1 and 200');
  return paginate(list, keyOf, {
    max,
    token: p.str('NextToken'),
    fingerprint: p.fingerprint(),
    invalidToken: () =>
      new ApiError('InvalidPaginationToken', `Invalid pagination token: ${p.str('NextToken')}`),
  });
}

const latest = (lt: LaunchTemplateRec) => lt.versions[lt.versions.length - 1]!.number;

export function describeLaunchTemplates(ctx: Ctx): XmlObject {
  const { state, caller, params: p } = ctx;
  const ids = p.list('LaunchTemplateId');
  const names = p.list('LaunchTemplateName');
  const match = compileFilters<LaunchTemplateRec>(
    p.filters(),
    { 'launch-template-name': (t) => t.name, 'create-time': (t) => isoMs(t.created) },
    (t) => t.tags,
  );
  let list: LaunchTemplateRec[];
  if (ids.length > 0 || names.length > 0) {
    list = [];
    for (const id of ids) {
      if (!LT_RE.test(id))
        throw new ApiError(
          'InvalidLaunchTemplateId.Malformed',
          `The launch template ID '${id}' is malformed.`,
        );
      const lt = state.launchTemplates.get(id);
      if (!lt || lt.ownerId !== caller.accountId || lt.region !== caller.region)
        throw new ApiError(
          'InvalidLaunchTemplateId.NotFound',
          'At least one of the launch templates specified in the request does not exist.',
        );
      list.push(lt);
    }
    for (const name of names) {
      const lt = state.templateByName(caller.accountId, caller.region, name);
      if (!lt)
        throw new ApiError(
          'InvalidLaunchTemplateName.NotFoundException',
          'At least one of the launch templates specified in the request does not exist.',
        );
      list.push(lt);
    }
    list = [...new Map(list.map((t) => [t.id, t])).values()].filter(match).sort(byKey((t) => t.id));
  } else {
    list = [...state.templateIdsOwnedBy(caller.accountId, caller.region)]
      .map((id) => state.launchTemplates.get(id)!)
      .filter(match)
      .sort(byKey((t) => t.id));
  }
  const pg = page(ctx, list, (t) => t.id);
  return {
    launchTemplates: pg.items.map((t) => ({
      launchTemplateId: t.id,
      launchTemplateName: t.name,
      createTime: isoMs(t.created),
      createdBy: `arn:aws:iam::${t.ownerId}:user/amiwarden-sim`,
      defaultVersionNumber: t.defaultVersion,
      latestVersionNumber: latest(t),
      tagSet: t.tags.size ? ec2Tags(t.tags) : undefined,
    })),
    nextToken: pg.nextToken,
  };
}

function resolveImage(ctx: Ctx, imageId: string | undefined): string | undefined {
  if (!imageId?.startsWith('resolve:ssm:')) return imageId;
  let name = imageId.slice('resolve:ssm:'.length);
  const arn = /^arn:aws:ssm:[^:]+:[0-9]*:parameter(\/.*)$/.exec(name);
  if (arn) name = arn[1]!;
  // A version or label selector follows the last colon; parameter names hold no colons.
  const base = name.split(':')[0]!;
  return ctx.state.ssmParameter(ctx.caller.accountId, ctx.caller.region, base)?.value ?? imageId;
}

type VersionRow = { lt: LaunchTemplateRec; v: LaunchTemplateVersionRec };

/**
 * DescribeLaunchTemplateVersions: one template's versions (numbers, $Latest, $Default, a range),
 * or with no template named, the $Latest/$Default versions of every template.
 */
export function describeLaunchTemplateVersions(ctx: Ctx): XmlObject {
  const { state, caller, params: p } = ctx;
  const id = p.str('LaunchTemplateId');
  const name = p.str('LaunchTemplateName');
  const wanted = p.list('LaunchTemplateVersion');
  const minV = p.int('MinVersion');
  const maxV = p.int('MaxVersion');
  const resolveAlias = p.bool('ResolveAlias') === true;
  if (id && name)
    throw new ApiError(
      'InvalidParameterCombination',
      'Specify either the launch template ID or the launch template name, not both.',
    );
  let templates: LaunchTemplateRec[];
  if (id || name) {
    const lt = id
      ? state.launchTemplates.get(id)
      : state.templateByName(caller.accountId, caller.region, name!);
    if (id && !LT_RE.test(id))
      throw new ApiError('InvalidLaunchTemplateId.Malformed', `The launch template ID '${id}' is malformed.`);
    if (!lt || lt.ownerId !== caller.accountId || lt.region !== caller.region) {
      if (id)
        throw new ApiError(
          'InvalidLaunchTemplateId.NotFound',
          `The specified launch template, with template ID ${id}, does not exist.`,
        );
      throw new ApiError(
        'InvalidLaunchTemplateName.NotFoundException',
        `The specified launch template, with template name ${name}, does not exist.`,
      );
    }
    templates = [lt];
  } else {
    if (wanted.length === 0 || wanted.some((w) => w !== '$Latest' && w !== '$Default'))
      throw new ApiError(
        'MissingParameter',
        'Without a launch template ID or name, only the versions $Latest and $Default can be described.',
      );
    templates = [...state.templateIdsOwnedBy(caller.accountId, caller.region)].map((t) =>
      state.launchTemplates.get(t)!,
    );
  }
  const match = compileFilters<VersionRow>(p.filters(), {
    'image-id': (r) => r.v.imageId,
    'instance-type': (r) => r.v.instanceType,
    'is-default-version': (r) => String(r.v.number === r.lt.defaultVersion),
    'create-time': (r) => isoMs(r.v.created),
  });
  const rows: VersionRow[] = [];
  for (const lt of templates) {
    let versions = lt.versions;
    if (wanted.length > 0) {
      const numbers = wanted.map((w) => {
        if (w === '$Latest') return latest(lt);
        if (w === '$Default') return lt.defaultVersion;
        const n = Number(w);
        if (!Number.isInteger(n) || !lt.versions.some((v) => v.number === n))
          throw new ApiError(
            'InvalidLaunchTemplateId.VersionNotFound',
            `Could not find launch template version ${w} for launch template ${lt.id}`,
          );
        return n;
      });
      versions = lt.versions.filter((v) => numbers.includes(v.number));
    }
    if (minV !== undefined) versions = versions.filter((v) => v.number >= minV);
    if (maxV !== undefined) versions = versions.filter((v) => v.number <= maxV);
    for (const v of versions) if (match({ lt, v })) rows.push({ lt, v });
  }
  const key = (r: VersionRow) => `${r.lt.id}:${String(r.v.number).padStart(10, '0')}`;
  rows.sort(byKey(key));
  const pg = page(ctx, rows, key);
  return {
    launchTemplateVersionSet: pg.items.map(({ lt, v }) => ({
      launchTemplateId: lt.id,
      launchTemplateName: lt.name,
      versionNumber: v.number,
      versionDescription: v.description,
      createTime: isoMs(v.created),
      createdBy: `arn:aws:iam::${lt.ownerId}:user/amiwarden-sim`,
      defaultVersion: v.number === lt.defaultVersion,
      launchTemplateData: {
        imageId: resolveAlias ? resolveImage(ctx, v.imageId) : v.imageId,
        instanceType: v.instanceType,
      },
    })),
    nextToken: pg.nextToken,
  };
}
