/**
 * Cloud Custodian names amiwarden does not implement. A policy using one is refused with the
 * name in the message, so a policy never silently does less than its author expects.
 */
export const UNSUPPORTED_POLICY_KEYS = [
  'conditions',
  'query',
  'source',
  'region',
  'tz',
  'start',
  'end',
] as const;

export const UNSUPPORTED_FILTERS = [
  'config-compliance',
  'event',
  'finding',
  'list-item',
  'metrics',
  'ops-item',
  'reduce',
  'tag-count',
] as const;

export const UNSUPPORTED_ACTIONS = [
  'auto-tag-user',
  'cancel-launch-permission',
  'copy',
  'copy-related-tag',
  'invoke-lambda',
  'invoke-sfn',
  'normalize-tag',
  'post-finding',
  'post-item',
  'put-metric',
  'rename-tag',
  'set-permissions',
  'tag-trim',
  'webhook',
] as const;

/** Options of supported plugins that Custodian has and amiwarden does not. */
export const UNSUPPORTED_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  value: ['value_from', 'value_regex', 'value_path'],
  'image-attribute': ['value_from', 'value_regex'],
  'image-age': ['hours', 'minutes'],
  'cross-account': ['whitelist_from', 'whitelist_conditions', 'whitelist_vpc', 'whitelist_endpoints'],
};

export const UNSUPPORTED_VALUE_TYPES = [
  'cidr',
  'cidr_size',
  'expr',
  'resource_count',
  'unique_size',
  'version',
] as const;

export const UNSUPPORTED_MODES = [
  'periodic',
  'cloudtrail',
  'ec2-instance-state',
  'asg-instance-state',
  'guard-duty',
  'config-rule',
  'config-poll-rule',
  'hub-finding',
  'hub-action',
  'phd',
  'schedule',
] as const;
