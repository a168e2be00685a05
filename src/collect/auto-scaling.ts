import {
  DescribeAutoScalingGroupsCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import type {
  AutoScalingGroup,
  LaunchConfiguration,
  LaunchTemplateSpecification,
} from '@aws-sdk/client-auto-scaling';
import { allPages } from '../aws/paging.ts';
import type { RowOf } from '../store/sync.ts';
import { iso, tagsJson } from './types.ts';
import type { ScopeContext } from './types.ts';

/** A launch template an ASG names, before it is resolved against the account's templates. */
export interface TemplateMention {
  asgName: string;
  position: string;
  id: string | null;
  name: string | null;
  version: string;
}

export async function collectLaunchConfigurations(
  ctx: ScopeContext,
): Promise<RowOf<'launch_configurations'>[]> {
  const { items } = await allPages(
    (req) => ctx.clients.autoscaling.send(new DescribeLaunchConfigurationsCommand(req)),
    { MaxRecords: 100 },
    (res) => res.LaunchConfigurations,
  );
  return (items as LaunchConfiguration[]).map((lc) => ({
    account_id: ctx.accountId,
    region: ctx.region,
    name: lc.LaunchConfigurationName ?? '',
    image_id: lc.ImageId ?? null,
    created_time: iso(lc.CreatedTime),
  }));
}

function mention(
  asgName: string,
  position: string,
  spec: LaunchTemplateSpecification | undefined,
): TemplateMention[] {
  if (!spec || (!spec.LaunchTemplateId && !spec.LaunchTemplateName)) return [];
  return [
    {
      asgName,
      position,
      id: spec.LaunchTemplateId ?? null,
      name: spec.LaunchTemplateName ?? null,
      // An ASG that names no version launches $Default.
      version: spec.Version ?? '$Default',
    },
  ];
}

/** ASGs in any state, zero-capacity included: they still launch their image when scaled up. */
export async function collectAutoScalingGroups(
  ctx: ScopeContext,
): Promise<{ groups: RowOf<'auto_scaling_groups'>[]; mentions: TemplateMention[] }> {
  const { items } = await allPages(
    (req) => ctx.clients.autoscaling.send(new DescribeAutoScalingGroupsCommand(req)),
    { MaxRecords: 100 },
    (res) => res.AutoScalingGroups,
  );
  const groups: RowOf<'auto_scaling_groups'>[] = [];
  const mentions: TemplateMention[] = [];
  for (const g of items as AutoScalingGroup[]) {
    const name = g.AutoScalingGroupName ?? '';
    groups.push({
      account_id: ctx.accountId,
      region: ctx.region,
      name,
      launch_configuration_name: g.LaunchConfigurationName ?? null,
      min_size: g.MinSize ?? null,
      max_size: g.MaxSize ?? null,
      desired_capacity: g.DesiredCapacity ?? null,
      created_time: iso(g.CreatedTime),
      tags: tagsJson(g.Tags),
    });
    mentions.push(...mention(name, 'launch-template', g.LaunchTemplate));
    const mixed = g.MixedInstancesPolicy?.LaunchTemplate;
    mentions.push(...mention(name, 'mixed-instances', mixed?.LaunchTemplateSpecification));
    (mixed?.Overrides ?? []).forEach((o, i) =>
      mentions.push(...mention(name, `override-${i + 1}`, o.LaunchTemplateSpecification)),
    );
  }
  return { groups, mentions };
}
