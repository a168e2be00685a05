import type { LaunchTemplate, LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import type { RowOf } from '../store/sync.ts';
import { collectAccountSettings } from './account-settings.ts';
import { collectAutoScalingGroups, collectLaunchConfigurations } from './auto-scaling.ts';
import {
  blockDeviceRows,
  imageRow,
  imageViewRow,
  listOwnedImages,
  listSharedImages,
  lookupImages,
} from './images.ts';
import { collectInstances, instanceImageMetadata } from './instances.ts';
import { collectLaunchPermissions } from './launch-permissions.ts';
import {
  allVersions,
  listLaunchTemplates,
  numberedVersions,
  templateRow,
  versionRow,
} from './launch-templates.ts';
import { collectSnapshots } from './snapshots.ts';
import { resolveParameters } from './ssm.ts';
import type { ScopeContext, ScopeData } from './types.ts';

/** Collects one account in one region. Any failed call fails the whole scope (nothing written). */
export async function collectScope(ctx: ScopeContext): Promise<ScopeData> {
  const settings = await collectAccountSettings(ctx);
  const owned = await listOwnedImages(ctx);
  const shared = await listSharedImages(ctx);
  const launchPermissions = await collectLaunchPermissions(
    ctx,
    owned.map((i) => i.ImageId ?? ''),
  );
  const snapshots = await collectSnapshots(ctx);
  const instances = await collectInstances(ctx);
  const launchConfigurations = await collectLaunchConfigurations(ctx);
  const { groups, mentions } = await collectAutoScalingGroups(ctx);
  const templates = await listLaunchTemplates(ctx);

  // Launch template versions: all of them; `referenced` marks the ones something names.
  const byId = new Map(templates.map((t) => [t.LaunchTemplateId ?? '', t]));
  const byName = new Map(templates.map((t) => [t.LaunchTemplateName ?? '', t]));
  const resolveTemplate = (id: string | null, name: string | null): LaunchTemplate | undefined =>
    (id ? byId.get(id) : undefined) ?? (name ? byName.get(name) : undefined);
  const versionNumber = (t: LaunchTemplate, v: string): number | undefined =>
    v === '$Latest' ? t.LatestVersionNumber : v === '$Default' ? t.DefaultVersionNumber : Number(v);
  const versions: LaunchTemplateVersion[] = [];
  for (const t of templates) versions.push(...(await allVersions(ctx, t.LaunchTemplateId ?? '')));
  const wanted = new Map<string, Set<number>>();
  const want = (t: LaunchTemplate | undefined, v: string | null) => {
    if (!t || !v) return;
    const n = versionNumber(t, v);
    if (n === undefined || !Number.isInteger(n)) return;
    const id = t.LaunchTemplateId ?? '';
    if (!wanted.has(id)) wanted.set(id, new Set());
    wanted.get(id)?.add(n);
  };
  for (const m of mentions) want(resolveTemplate(m.id, m.name), m.version);
  for (const i of instances)
    if (i.launch_template_id) want(byId.get(i.launch_template_id), i.launch_template_version);
  const have = new Set(versions.map((v) => `${v.LaunchTemplateId}:${v.VersionNumber}`));
  for (const [id, nums] of wanted) {
    const missing = [...nums].filter((n) => !have.has(`${id}:${n}`)).sort((a, b) => a - b);
    if (missing.length > 0) versions.push(...(await numberedVersions(ctx, id, missing)));
  }
  const versionRows = new Map<string, RowOf<'launch_template_versions'>>();
  for (const v of versions as LaunchTemplateVersion[]) {
    const key = `${v.LaunchTemplateId}:${v.VersionNumber}`;
    const referenced = wanted.get(v.LaunchTemplateId ?? '')?.has(v.VersionNumber ?? -1) ?? false;
    versionRows.set(key, versionRow(ctx, v, byId.get(v.LaunchTemplateId ?? ''), referenced));
  }

  // resolve:ssm: image ids: the parameter's current value is the image.
  const paramNames = [...versionRows.values()].map((r) => r.ssm_parameter).filter((p): p is string => !!p);
  const ssmParameters = paramNames.length > 0 ? await resolveParameters(ctx, paramNames) : [];
  const paramValue = new Map(ssmParameters.map((p) => [p.name, p.value]));
  for (const r of versionRows.values())
    if (r.ssm_parameter) r.image_id = paramValue.get(r.ssm_parameter) ?? null;

  // ASG references, dangling ones kept as rows.
  const asgRefs: RowOf<'asg_launch_template_refs'>[] = mentions.map((m) => {
    const t = resolveTemplate(m.id, m.name);
    const n = t ? versionNumber(t, m.version) : undefined;
    const row = n !== undefined ? versionRows.get(`${t?.LaunchTemplateId}:${n}`) : undefined;
    return {
      account_id: ctx.accountId,
      region: ctx.region,
      asg_name: m.asgName,
      position: m.position,
      launch_template_id: t?.LaunchTemplateId ?? m.id,
      launch_template_name: t?.LaunchTemplateName ?? m.name,
      version: m.version,
      resolved_version: row ? (n ?? null) : null,
      image_id: row?.image_id ?? null,
      dangling: row ? 0 : 1,
    };
  });

  // Images that something here uses but that we neither own nor were shared: look them up by id.
  const known = new Set([...owned, ...shared].map((i) => i.ImageId ?? ''));
  const referencedIds = new Set<string>();
  const note = (id: string | null | undefined) => {
    if (id && id.startsWith('ami-') && !known.has(id)) referencedIds.add(id);
  };
  instances.forEach((i) => note(i.image_id));
  launchConfigurations.forEach((l) => note(l.image_id));
  versionRows.forEach((v) => note(v.image_id));
  const { found, missing } = await lookupImages(ctx, [...referencedIds]);
  // Instances whose image is no longer describable: ask the instance image metadata.
  const missingSet = new Set(missing);
  const orphanInstances = instances
    .filter((i) => i.image_id && missingSet.has(i.image_id))
    .map((i) => i.instance_id);
  const metadataImages = orphanInstances.length > 0 ? await instanceImageMetadata(ctx, orphanInstances) : [];

  const allDescribed = [...owned, ...shared, ...found];
  return {
    accountId: ctx.accountId,
    region: ctx.region,
    ownedImages: owned.map((i) => imageRow(i, ctx, 'owned')),
    otherImages: [
      ...shared.map((i) => imageRow(i, ctx, 'shared')),
      ...found.map((i) => imageRow(i, ctx, 'referenced')),
    ],
    metadataImages,
    imageViews: [
      ...owned.map((i) => imageViewRow(i, ctx, 'owned')),
      ...shared.map((i) => imageViewRow(i, ctx, 'shared')),
      ...found.map((i) => imageViewRow(i, ctx, 'referenced')),
    ],
    blockDeviceMappings: allDescribed.flatMap(blockDeviceRows),
    launchPermissions,
    snapshots,
    instances,
    launchTemplates: templates.map((t) => templateRow(ctx, t)),
    launchTemplateVersions: [...versionRows.values()],
    launchConfigurations,
    autoScalingGroups: groups,
    asgRefs,
    ssmParameters,
    settings,
  };
}
