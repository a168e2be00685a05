import type { PolicyImage, UsageRef } from '../resource.ts';

/** What the collector calls to build the usage graph these filters read. */
export const USAGE_PERMISSIONS = [
  'ec2:DescribeInstances',
  'ec2:DescribeLaunchTemplateVersions',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeLaunchConfigurations',
] as const;

/** The store decides what counts as use: a terminated instance or a bare grant does not. */
export function isLiveRef(ref: UsageRef): boolean {
  return ref.inUse;
}

export function liveUsage(img: PolicyImage): UsageRef[] {
  return img.usage.filter(isLiveRef);
}

export function describeRef(ref: UsageRef): string {
  const where = `${ref.accountId}/${ref.region}`;
  const state = ref.state ? ` (${ref.state})` : '';
  return `${ref.kind} ${ref.id}${state} in ${where}`;
}
