import { isoMs } from '../seed/dates.ts';
import { ApiError } from '../protocol/errors.ts';
import { byKey, paginate } from '../protocol/paging.ts';
import type { XmlObject } from '../protocol/xml.ts';
import type { AutoScalingGroupRec, LaunchTemplateRefRec } from '../state/types.ts';
import { compileFilters } from './filters.ts';
import type { Ctx, ServiceDef } from './types.ts';

/** An ASG's template reference as Auto Scaling shows it: id and name when the template exists. */
function ltSpec(ctx: Ctx, ref: LaunchTemplateRefRec | undefined): XmlObject | undefined {
  if (!ref) return undefined;
  const lt = ref.id
    ? ctx.state.launchTemplates.get(ref.id)
    : ctx.state.templateByName(ctx.caller.accountId, ctx.caller.region, ref.name ?? '');
  return {
    LaunchTemplateId: ref.id ?? lt?.id,
    LaunchTemplateName: ref.name ?? lt?.name,
    Version: ref.version ?? '$Default',
  };
}

function page<T>(ctx: Ctx, list: T[], keyOf: (t: T) => string, limit: number) {
  const p = ctx.params;
  const max = p.int('MaxRecords') ?? 50;
  if (!(max >= 1 && max <= limit))
    throw new ApiError(
      'ValidationError',
      `1 validation error detected: Value '${max}' at 'maxRecords' failed to satisfy constraint: Member must have value less than or equal to ${limit}`,
    );
  return paginate(list, keyOf, {
    max,
    token: p.str('NextToken'),
    fingerprint: p.fingerprint(),
    invalidToken: () => new ApiError('InvalidNextToken', 'The token provided is not valid.'),
  });
}

function groupXml(ctx: Ctx, g: AutoScalingGroupRec): XmlObject {
  const arn = `arn:aws:autoscaling:${g.region}:${g.ownerId}:autoScalingGroup:00000000-0000-4000-8000-000000000000:autoScalingGroupName/${g.name}`;
  const mixed = g.mixedInstances;
  return {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: arn,
    LaunchConfigurationName: g.launchConfigurationName,
    LaunchTemplate: ltSpec(ctx, g.launchTemplate),
    MixedInstancesPolicy: mixed
      ? {
          LaunchTemplate: {
            LaunchTemplateSpecification: ltSpec(ctx, mixed.launchTemplate),
            Overrides: mixed.overrides.map((o) => ({
              InstanceType: o.instanceType,
              LaunchTemplateSpecification: ltSpec(ctx, o.launchTemplate),
              ImageId: o.imageId,
            })),
          },
          InstancesDistribution: {
            OnDemandBaseCapacity: mixed.onDemandBaseCapacity ?? 0,
            OnDemandPercentageAboveBaseCapacity: 100,
          },
        }
      : undefined,
    MinSize: g.min,
    MaxSize: g.max,
    DesiredCapacity: g.desired,
    DefaultCooldown: 300,
    AvailabilityZones: g.availabilityZones,
    HealthCheckType: 'EC2',
    HealthCheckGracePeriod: 300,
    CreatedTime: isoMs(g.created),
    Instances: g.instanceIds.map((id) => {
      const inst = ctx.state.instances.get(id);
      return {
        InstanceId: id,
        InstanceType: inst?.instanceType,
        AvailabilityZone: inst?.availabilityZone,
        LifecycleState:
          inst?.state === 'running' ? 'InService' : inst?.state === 'terminated' ? 'Terminated' : 'Standby',
        HealthStatus: 'Healthy',
        LaunchConfigurationName: g.launchConfigurationName,
        LaunchTemplate: ltSpec(ctx, inst?.launchTemplate ?? g.launchTemplate),
        ProtectedFromScaleIn: false,
      };
    }),
    Tags: [...g.tags].map(([Key, Value]) => ({
      ResourceId: g.name,
      ResourceType: 'auto-scaling-group',
      Key,
      Value,
      PropagateAtLaunch: true,
    })),
  };
}

function describeAutoScalingGroups(ctx: Ctx): XmlObject {
  const { state, caller, params: p } = ctx;
  const names = p.memberList('AutoScalingGroupNames');
  const groups = state.autoScalingGroupsOf(caller.accountId, caller.region);
  const match = compileFilters<AutoScalingGroupRec>(p.filters('query'), {}, (g) => g.tags);
  const list = (
    names && names.length > 0
      ? names.map((n) => groups.get(n)).filter((g) => g !== undefined)
      : [...groups.values()]
  )
    .filter(match)
    .sort(byKey((g) => g.name));
  const pg = page(ctx, list, (g) => g.name, 100);
  const includeInstances = p.bool('IncludeInstances') !== false;
  return {
    AutoScalingGroups: pg.items.map((g) => {
      const x = groupXml(ctx, g);
      return includeInstances ? x : { ...x, Instances: undefined };
    }),
    NextToken: pg.nextToken,
  };
}

function describeLaunchConfigurations(ctx: Ctx): XmlObject {
  const { state, caller, params: p } = ctx;
  const names = p.memberList('LaunchConfigurationNames');
  const lcs = state.launchConfigurationsOf(caller.accountId, caller.region);
  const list = (
    names && names.length > 0
      ? names.map((n) => lcs.get(n)).filter((x) => x !== undefined)
      : [...lcs.values()]
  ).sort(byKey((l) => l.name));
  const pg = page(ctx, list, (l) => l.name, 100);
  return {
    LaunchConfigurations: pg.items.map((l) => ({
      LaunchConfigurationName: l.name,
      LaunchConfigurationARN: `arn:aws:autoscaling:${l.region}:${l.ownerId}:launchConfiguration:00000000-0000-4000-8000-000000000000:launchConfigurationName/${l.name}`,
      ImageId: l.imageId,
      InstanceType: l.instanceType,
      SecurityGroups: [],
      BlockDeviceMappings: [],
      CreatedTime: isoMs(l.created),
      EbsOptimized: false,
    })),
    NextToken: pg.nextToken,
  };
}

export const autoscaling: ServiceDef = {
  name: 'autoscaling',
  protocol: 'query',
  xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
  handlers: {
    DescribeAutoScalingGroups: describeAutoScalingGroups,
    DescribeLaunchConfigurations: describeLaunchConfigurations,
  },
};
