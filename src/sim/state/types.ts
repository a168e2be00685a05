/** The live, mutable estate the simulator serves. Times are epoch milliseconds. */

export type ImageState = 'available' | 'pending' | 'failed' | 'disabled' | 'deregistered';
export type ProtectionState = 'disabled' | 'enabled-with-cooldown' | 'enabled-without-cooldown';
export type OwnerAlias = 'amazon' | 'aws-marketplace' | 'aws-backup-vault';

export interface LaunchPermission {
  userId?: string;
  group?: 'all';
  organizationArn?: string;
  organizationalUnitArn?: string;
}

export interface BlockDevice {
  deviceName: string;
  virtualName?: string;
  snapshotId?: string;
  volumeSize?: number;
  volumeType?: string;
  encrypted?: boolean;
  deleteOnTermination?: boolean;
}

export interface ImageRec {
  id: string;
  region: string;
  ownerId: string;
  name: string;
  description?: string;
  created: number;
  state: ImageState;
  launchPermissions: LaunchPermission[];
  deprecationTime?: number;
  deregistrationProtection: ProtectionState;
  /** After protection "with cooldown" is disabled, deregistration stays refused until then. */
  protectionCooldownUntil?: number;
  lastLaunched?: number;
  architecture: string;
  platform?: 'windows';
  platformDetails: string;
  usageOperation: string;
  imageType: string;
  rootDeviceType: string;
  rootDeviceName: string;
  virtualizationType: string;
  bootMode?: string;
  imdsSupport?: string;
  tpmSupport?: string;
  enaSupport: boolean;
  productCodes: { id: string; type: string }[];
  sourceImageId?: string;
  sourceImageRegion?: string;
  tags: Map<string, string>;
  blockDevices: BlockDevice[];
}

export interface SnapshotRec {
  id: string;
  region: string;
  ownerId: string;
  volumeId: string;
  volumeSize: number;
  created: number;
  description?: string;
  encrypted: boolean;
  kmsKeyId?: string;
  state: 'completed' | 'pending' | 'error';
  createVolumePermissions: { userId?: string; group?: 'all' }[];
  tags: Map<string, string>;
  /** Absolute path of a raw disk image holding the snapshot's blocks (EBS direct API). */
  content?: string;
}

export interface LaunchTemplateRefRec {
  id?: string;
  name?: string;
  version?: string;
}

export interface InstanceRec {
  id: string;
  region: string;
  ownerId: string;
  reservationId: string;
  imageId: string;
  state: 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';
  instanceType: string;
  launched: number;
  availabilityZone: string;
  platform?: 'windows';
  launchTemplate?: LaunchTemplateRefRec;
  autoScalingGroup?: string;
  tags: Map<string, string>;
}

export interface LaunchTemplateVersionRec {
  number: number;
  imageId?: string;
  instanceType?: string;
  created: number;
  description?: string;
}

export interface LaunchTemplateRec {
  id: string;
  name: string;
  region: string;
  ownerId: string;
  created: number;
  defaultVersion: number;
  versions: LaunchTemplateVersionRec[];
  tags: Map<string, string>;
}

export interface LaunchConfigurationRec {
  name: string;
  region: string;
  ownerId: string;
  imageId: string;
  instanceType: string;
  created: number;
}

export interface AutoScalingGroupRec {
  name: string;
  region: string;
  ownerId: string;
  created: number;
  min: number;
  max: number;
  desired: number;
  launchTemplate?: LaunchTemplateRefRec;
  launchConfigurationName?: string;
  mixedInstances?: {
    launchTemplate: LaunchTemplateRefRec;
    overrides: { instanceType?: string; launchTemplate?: LaunchTemplateRefRec; imageId?: string }[];
    onDemandBaseCapacity?: number;
  };
  instanceIds: string[];
  availabilityZones: string[];
  tags: Map<string, string>;
}

export interface SsmParameterRec {
  name: string;
  value: string;
  type: string;
  dataType: string;
  version: number;
  modified: number;
}

export interface AllowedImagesCriterion {
  providers?: string[];
  names?: string[];
  productCodes?: string[];
  maxDaysSinceCreated?: number;
  maxDaysSinceDeprecated?: number;
}

export interface RegionSettings {
  blockPublicAccess: 'block-new-sharing' | 'unblocked';
  snapshotBlockPublicAccess: 'block-all-sharing' | 'block-new-sharing' | 'unblocked';
  allowedImages: { state: 'disabled' | 'audit-mode' | 'enabled'; criteria: AllowedImagesCriterion[] };
}

export interface AccountRec {
  id: string;
  name: string;
  email: string;
  alias?: OwnerAlias;
  member: boolean;
  /** OU id, or undefined for the organization root. */
  ou?: string;
  state: string;
  joined: number;
  accessKeyId: string;
  secretAccessKey: string;
  roles: { name: string; trustedAccounts: string[] }[];
}

export interface OrganizationRec {
  id: string;
  managementAccount: string;
  rootId: string;
  ous: { id: string; name: string; parent: string }[];
}

/** Who a request acts as: an account (and how it authenticated) in a region. */
export interface Caller {
  accountId: string;
  region: string;
  accessKeyId: string;
  /** Set for AssumeRole sessions. */
  role?: { name: string; session: string };
}

export type KmsKeyState = 'Enabled' | 'Disabled' | 'PendingDeletion';
export type KmsOperation =
  | 'Decrypt'
  | 'Encrypt'
  | 'GenerateDataKey'
  | 'GenerateDataKeyWithoutPlaintext'
  | 'ReEncryptFrom'
  | 'ReEncryptTo'
  | 'CreateGrant'
  | 'RetireGrant'
  | 'DescribeKey';

export interface KmsGrantRec {
  grantId: string;
  /** The grantee account (a grant to its root principal). */
  grantee: string;
  operations: KmsOperation[];
}

/** A symmetric KMS key. Who may use it: its own account, the key policy's accounts, grantees. */
export interface KmsKeyRec {
  id: string;
  arn: string;
  region: string;
  ownerId: string;
  description: string;
  created: number;
  state: KmsKeyState;
  manager: 'CUSTOMER' | 'AWS';
  policyAccounts: string[];
  grants: KmsGrantRec[];
  /** When PendingDeletion: the scheduled deletion time. */
  deletionDate?: number;
}
