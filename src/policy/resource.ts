/**
 * What a policy sees: one image in the Custodian `aws.ami` shape (DescribeImages fields, so
 * value-filter keys written for Custodian work unchanged) plus the facts amiwarden collects
 * around it (where it lives, who may launch it, what uses it).
 */
import type { ScanUpdateFacts } from '../vulns/policy-facts.ts';
export interface Tag {
  Key: string;
  Value: string;
}

export interface LaunchPermission {
  UserId?: string;
  Group?: string;
  OrganizationArn?: string;
  OrganizationalUnitArn?: string;
}

/**
 * One reference to an image (the store's image_usage view): kind is instance,
 * launch-template-version, launch-configuration, auto-scaling-group, ssm-parameter or
 * other-account; `inUse` is false for terminated instances and bare sharing grants.
 */
export interface UsageRef {
  kind: string;
  id: string;
  accountId: string;
  region: string;
  state: string;
  inUse: boolean;
}

export interface AmiRecord {
  ImageId: string;
  OwnerId: string;
  State: string;
  CreationDate?: string;
  Name?: string;
  Description?: string;
  Public?: boolean;
  Tags?: Tag[];
  BlockDeviceMappings?: {
    DeviceName?: string;
    Ebs?: { SnapshotId?: string; Encrypted?: boolean; VolumeSize?: number; VolumeType?: string };
  }[];
  DeprecationTime?: string;
  LastLaunchedTime?: string;
  DeregistrationProtection?: string;
  ImageOwnerAlias?: string;
  [field: string]: unknown;
}

export interface ScanSummary {
  scannedAt: string;
  /** False for partial, failed and unscannable scans: those are never clean. */
  complete: boolean;
  /** Why the image could not be read at all, when its latest scan is `unscannable` (no verdicts then). */
  unscannable?: string;
  /** Failed CIS controls by level ('1', '2'). */
  cisFailures: Record<string, number>;
  hygieneFindings: number;
  /** Distinct unapplied security fixes; undefined when the scan's packages were not matched against advisory data. */
  missingSecurityUpdates: number | undefined;
  /** The stored advisory match of the scan (src/vulns/policy-facts.ts). */
  securityUpdates?: ScanUpdateFacts;
}

export interface PolicyImage {
  /** The Custodian-shaped record; filters and outputs read it, actions update it. */
  resource: AmiRecord;
  /** The owner's account when a collected account owns the image. */
  accountId: string;
  region: string;
  /** Owned by a collected account: only these are policy resources (Custodian lists Owners=self). */
  owned: boolean;
  /** undefined = not readable by the collector (not the owner); [] = private. */
  launchPermissions: LaunchPermission[] | undefined;
  usage: UsageRef[];
  /** The latest stored scan; undefined = never scanned. */
  scan?: ScanSummary;
}

export function tagValue(r: AmiRecord, key: string): string | undefined {
  return r.Tags?.find((t) => t.Key === key)?.Value;
}

export function snapshotIds(r: AmiRecord): string[] {
  const ids: string[] = [];
  for (const m of r.BlockDeviceMappings ?? []) if (m.Ebs?.SnapshotId) ids.push(m.Ebs.SnapshotId);
  return ids;
}
