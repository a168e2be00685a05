import { DescribeLaunchTemplatesCommand, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import type { LaunchTemplate, LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import { allPages, batches } from '../aws/paging.ts';
import type { RowOf } from '../store/sync.ts';
import { iso, tagsJson } from './types.ts';
import type { ScopeContext } from './types.ts';

export async function listLaunchTemplates(ctx: ScopeContext): Promise<LaunchTemplate[]> {
  const { items } = await allPages(
    (req) => ctx.clients.ec2.send(new DescribeLaunchTemplatesCommand(req)),
    { MaxResults: 200 },
    (res) => res.LaunchTemplates,
  );
  return items as LaunchTemplate[];
}

export function templateRow(ctx: ScopeContext, t: LaunchTemplate): RowOf<'launch_templates'> {
  return {
    launch_template_id: t.LaunchTemplateId ?? '',
    account_id: ctx.accountId,
    region: ctx.region,
    name: t.LaunchTemplateName ?? '',
    default_version: t.DefaultVersionNumber ?? null,
    latest_version: t.LatestVersionNumber ?? null,
    create_time: iso(t.CreateTime),
    tags: tagsJson(t.Tags),
  };
}

/**
 * Every version of one template, used by an ASG or not: RunInstances, Spot, EC2 Fleet and
 * other services launch bare templates by any version number, so no version is assumed unused.
 */
export async function allVersions(ctx: ScopeContext, templateId: string): Promise<LaunchTemplateVersion[]> {
  const { items } = await allPages(
    (req) => ctx.clients.ec2.send(new DescribeLaunchTemplateVersionsCommand(req)),
    { LaunchTemplateId: templateId, MaxResults: 200 },
    (res) => res.LaunchTemplateVersions,
  );
  return items as LaunchTemplateVersion[];
}

/** Numbered versions that something names explicitly; a missing version is left out. */
export async function numberedVersions(
  ctx: ScopeContext,
  templateId: string,
  versions: readonly number[],
): Promise<LaunchTemplateVersion[]> {
  const out: LaunchTemplateVersion[] = [];
  for (const b of batches(versions, 50)) {
    const ask = async (list: number[]): Promise<void> => {
      try {
        const { items } = await allPages(
          (req) => ctx.clients.ec2.send(new DescribeLaunchTemplateVersionsCommand(req)),
          { LaunchTemplateId: templateId, Versions: list.map(String) },
          (res) => res.LaunchTemplateVersions,
        );
        out.push(...(items as LaunchTemplateVersion[]));
      } catch (err) {
        // One missing version fails the call: ask one by one to find the survivors.
        if (!/VersionNotFound/.test((err as Error).name ?? '')) throw err;
        if (list.length > 1) for (const v of list) await ask([v]);
      }
    };
    await ask(b);
  }
  return out;
}

export function versionRow(
  ctx: ScopeContext,
  v: LaunchTemplateVersion,
  t: LaunchTemplate | undefined,
  referenced: boolean,
): RowOf<'launch_template_versions'> {
  const ref = v.LaunchTemplateData?.ImageId ?? null;
  const ssm = ref?.startsWith('resolve:ssm:') ? ref.slice('resolve:ssm:'.length) : null;
  const n = v.VersionNumber ?? 0;
  return {
    launch_template_id: v.LaunchTemplateId ?? '',
    version_number: n,
    account_id: ctx.accountId,
    region: ctx.region,
    image_ref: ref,
    image_id: ssm ? null : ref,
    ssm_parameter: ssm,
    is_default: v.DefaultVersion || t?.DefaultVersionNumber === n ? 1 : 0,
    is_latest: t?.LatestVersionNumber === n ? 1 : 0,
    referenced: referenced ? 1 : 0,
    create_time: iso(v.CreateTime),
  };
}
