import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';

/**
 * The estate seed: one YAML file describing a multi-account, multi-region AWS estate.
 * Every object is closed (additionalProperties: false) so a typo in a seed is an error with
 * its line, not a silently ignored key. docs/simulator.md documents each field.
 */
const closed = <T extends Parameters<typeof Type.Object>[0]>(props: T) =>
  Type.Object(props, { additionalProperties: false });
const Opt = <T extends TSchema>(t: T) => Type.Optional(t);

/** An absolute UTC time (`2025-03-01T12:00:00Z`) or one relative to the seed's `now` (`now-400d`). */
export const SeedDate = Type.String({
  pattern:
    '^(now([+-][0-9]+[dhm])?|[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]{1,3})?)?Z)?)$',
});
const AccountId = Type.String({ pattern: '^[0-9]{12}$' });
const AmiId = Type.String({ pattern: '^ami-[0-9a-f]{8,17}$' });
const SnapId = Type.String({ pattern: '^snap-[0-9a-f]{8,17}$' });
const InstanceId = Type.String({ pattern: '^i-[0-9a-f]{8,17}$' });
const LtId = Type.String({ pattern: '^lt-[0-9a-f]{8,17}$' });
const Tags = Type.Record(Type.String({ minLength: 1, maxLength: 127 }), Type.String({ maxLength: 256 }));

export const SeedLaunchPermission = closed({
  userId: Opt(AccountId),
  group: Opt(Type.Literal('all')),
  organizationArn: Opt(Type.String()),
  organizationalUnitArn: Opt(Type.String()),
  /** Shorthand: share with the seed's organization. */
  organization: Opt(Type.Literal(true)),
  /** Shorthand: share with this OU of the seed's organization (its id, `ou-...`). */
  ou: Opt(Type.String({ pattern: '^ou-[0-9a-z]+-[0-9a-z]+$' })),
});

export const SeedBlockDevice = closed({
  device: Type.String(),
  snapshot: Opt(SnapId),
  size: Opt(Type.Integer({ minimum: 1 })),
  type: Opt(
    Type.Union([
      Type.Literal('gp2'),
      Type.Literal('gp3'),
      Type.Literal('io1'),
      Type.Literal('io2'),
      Type.Literal('st1'),
      Type.Literal('sc1'),
      Type.Literal('standard'),
    ]),
  ),
  encrypted: Opt(Type.Boolean()),
  kmsKeyId: Opt(Type.String()),
  deleteOnTermination: Opt(Type.Boolean()),
  virtualName: Opt(Type.String()),
});

export const ImageStates = ['available', 'pending', 'failed', 'disabled', 'deregistered'] as const;

export const SeedImage = closed({
  id: AmiId,
  name: Type.String({ minLength: 1 }),
  description: Opt(Type.String()),
  created: SeedDate,
  state: Opt(Type.Union(ImageStates.map((s) => Type.Literal(s)))),
  public: Opt(Type.Boolean()),
  launchPermissions: Opt(Type.Array(SeedLaunchPermission)),
  deprecateAt: Opt(SeedDate),
  deregistrationProtection: Opt(
    Type.Union([
      Type.Literal('disabled'),
      Type.Literal('enabled-with-cooldown'),
      Type.Literal('enabled-without-cooldown'),
    ]),
  ),
  lastLaunched: Opt(SeedDate),
  architecture: Opt(Type.Union([Type.Literal('x86_64'), Type.Literal('arm64'), Type.Literal('i386')])),
  platform: Opt(Type.Literal('windows')),
  platformDetails: Opt(Type.String()),
  imageType: Opt(Type.Union([Type.Literal('machine'), Type.Literal('kernel'), Type.Literal('ramdisk')])),
  rootDeviceType: Opt(Type.Union([Type.Literal('ebs'), Type.Literal('instance-store')])),
  rootDeviceName: Opt(Type.String()),
  virtualizationType: Opt(Type.Union([Type.Literal('hvm'), Type.Literal('paravirtual')])),
  bootMode: Opt(
    Type.Union([Type.Literal('legacy-bios'), Type.Literal('uefi'), Type.Literal('uefi-preferred')]),
  ),
  imdsSupport: Opt(Type.Literal('v2.0')),
  enaSupport: Opt(Type.Boolean()),
  tpmSupport: Opt(Type.Literal('v2.0')),
  productCodes: Opt(
    Type.Array(
      closed({ id: Type.String(), type: Type.Union([Type.Literal('marketplace'), Type.Literal('devpay')]) }),
    ),
  ),
  /** Lineage of a copy: the image and region it was copied from. */
  source: Opt(closed({ imageId: AmiId, region: Type.String() })),
  tags: Opt(Tags),
  blockDevices: Opt(Type.Array(SeedBlockDevice)),
});

/** A disk image built from tree specs (src/sim/seed/content-tree.ts; docs/simulator.md). */
export const SeedContentTree = closed({
  /** Tree-spec YAML files (relative to the seed), merged left to right. */
  trees: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
  /** Only this directory of the merged tree, as the filesystem's root (a /var volume). */
  subtree: Opt(Type.String({ pattern: '^/[^\\s]+$' })),
  /** Directories left empty: mount points of filesystems built from a `subtree`. */
  omit: Opt(Type.Array(Type.String({ pattern: '^/[^\\s]+$' }))),
  fs: Opt(Type.Union([Type.Literal('ext4'), Type.Literal('xfs')])),
  /** Filesystem size (default 64, XFS 128). */
  sizeMiB: Opt(Type.Integer({ minimum: 8, maximum: 4096 })),
  /** gpt (default): one Linux partition at 1 MiB; none: a bare filesystem. */
  partitionTable: Opt(Type.Union([Type.Literal('gpt'), Type.Literal('none')])),
  /** Filesystem UUID (what an fstab's UUID= names); default derived from the inputs. */
  uuid: Opt(Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' })),
  label: Opt(Type.String({ minLength: 1, maxLength: 16, pattern: '^[A-Za-z0-9_.-]+$' })),
});

export const SeedSnapshot = closed({
  id: SnapId,
  size: Type.Integer({ minimum: 1 }),
  created: SeedDate,
  description: Opt(Type.String()),
  encrypted: Opt(Type.Boolean()),
  kmsKeyId: Opt(Type.String()),
  state: Opt(Type.Union([Type.Literal('completed'), Type.Literal('pending'), Type.Literal('error')])),
  volumeId: Opt(Type.String()),
  public: Opt(Type.Boolean()),
  sharedWith: Opt(Type.Array(AccountId)),
  tags: Opt(Tags),
  /** A raw disk image file (path relative to the seed) that holds the snapshot's blocks. */
  content: Opt(Type.String()),
  /** Or a disk image built from tree-spec files when the simulator starts (cached by its inputs). */
  contentTree: Opt(SeedContentTree),
});

export const LaunchTemplateRef = closed({
  id: Opt(Type.String()),
  name: Opt(Type.String()),
  /** A number, `$Latest` or `$Default` (the default). */
  version: Opt(Type.String({ pattern: '^([0-9]+|\\$Latest|\\$Default)$' })),
});

export const InstanceStates = [
  'pending',
  'running',
  'shutting-down',
  'terminated',
  'stopping',
  'stopped',
] as const;

export const SeedInstance = closed({
  id: InstanceId,
  image: AmiId,
  state: Type.Union(InstanceStates.map((s) => Type.Literal(s))),
  launched: SeedDate,
  type: Opt(Type.String()),
  availabilityZone: Opt(Type.String()),
  reservation: Opt(Type.String({ pattern: '^r-[0-9a-f]{8,17}$' })),
  platform: Opt(Type.Literal('windows')),
  launchTemplate: Opt(LaunchTemplateRef),
  autoScalingGroup: Opt(Type.String()),
  tags: Opt(Tags),
});

export const SeedLaunchTemplateVersion = closed({
  number: Type.Integer({ minimum: 1 }),
  /** An AMI id or `resolve:ssm:<parameter>`; absent when the version sets no image. */
  image: Opt(Type.String()),
  instanceType: Opt(Type.String()),
  created: Opt(SeedDate),
  description: Opt(Type.String()),
});

export const SeedLaunchTemplate = closed({
  id: LtId,
  name: Type.String({ minLength: 3 }),
  created: SeedDate,
  defaultVersion: Opt(Type.Integer({ minimum: 1 })),
  tags: Opt(Tags),
  versions: Type.Array(SeedLaunchTemplateVersion, { minItems: 1 }),
});

export const SeedLaunchConfiguration = closed({
  name: Type.String({ minLength: 1 }),
  image: Type.String(),
  instanceType: Opt(Type.String()),
  created: SeedDate,
});

export const SeedAutoScalingGroup = closed({
  name: Type.String({ minLength: 1 }),
  created: SeedDate,
  min: Type.Integer({ minimum: 0 }),
  max: Type.Integer({ minimum: 0 }),
  desired: Type.Integer({ minimum: 0 }),
  launchTemplate: Opt(LaunchTemplateRef),
  launchConfiguration: Opt(Type.String()),
  mixedInstances: Opt(
    closed({
      launchTemplate: LaunchTemplateRef,
      overrides: Opt(
        Type.Array(
          closed({
            instanceType: Opt(Type.String()),
            launchTemplate: Opt(LaunchTemplateRef),
            imageId: Opt(Type.String()),
          }),
        ),
      ),
      onDemandBaseCapacity: Opt(Type.Integer({ minimum: 0 })),
    }),
  ),
  /** Ids of instances (declared in the same account and region) that belong to the group. */
  instances: Opt(Type.Array(InstanceId)),
  availabilityZones: Opt(Type.Array(Type.String())),
  tags: Opt(Tags),
});

export const SeedSsmParameter = closed({
  name: Type.String({ minLength: 1 }),
  value: Type.String(),
  type: Opt(Type.Union([Type.Literal('String'), Type.Literal('StringList'), Type.Literal('SecureString')])),
  dataType: Opt(Type.Union([Type.Literal('text'), Type.Literal('aws:ec2:image')])),
  version: Opt(Type.Integer({ minimum: 1 })),
  modified: Opt(SeedDate),
});

export const SeedAllowedImages = closed({
  state: Type.Union([Type.Literal('disabled'), Type.Literal('audit-mode'), Type.Literal('enabled')]),
  criteria: Opt(
    Type.Array(
      closed({
        providers: Opt(Type.Array(Type.String())),
        names: Opt(Type.Array(Type.String())),
        productCodes: Opt(Type.Array(Type.String())),
        maxDaysSinceCreated: Opt(Type.Integer({ minimum: 0 })),
        maxDaysSinceDeprecated: Opt(Type.Integer({ minimum: 0 })),
      }),
      { maxItems: 10 },
    ),
  ),
});

/** Operations a KMS grant may allow (the subset the simulator models). */
export const KmsGrantOperations = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
  'CreateGrant',
  'RetireGrant',
  'DescribeKey',
] as const;

/** A KMS key of the account in this region; its ARN is arn:aws:kms:<region>:<account>:key/<id>. */
export const SeedKmsKey = closed({
  id: Type.String({ pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' }),
  description: Opt(Type.String()),
  created: Opt(SeedDate),
  state: Opt(
    Type.Union([Type.Literal('Enabled'), Type.Literal('Disabled'), Type.Literal('PendingDeletion')]),
  ),
  /** AWS managed keys (aws/ebs) cannot be shared: their policy names only their own account. */
  manager: Opt(Type.Union([Type.Literal('CUSTOMER'), Type.Literal('AWS')])),
  /** Other accounts the key policy lets use the key (every operation a grant can allow). */
  policyAccounts: Opt(Type.Array(AccountId)),
  grants: Opt(
    Type.Array(
      closed({
        grantee: AccountId,
        operations: Type.Array(Type.Union(KmsGrantOperations.map((o) => Type.Literal(o))), { minItems: 1 }),
      }),
    ),
  ),
});

export const SeedRegion = closed({
  blockPublicAccess: Opt(Type.Union([Type.Literal('block-new-sharing'), Type.Literal('unblocked')])),
  snapshotBlockPublicAccess: Opt(
    Type.Union([
      Type.Literal('block-all-sharing'),
      Type.Literal('block-new-sharing'),
      Type.Literal('unblocked'),
    ]),
  ),
  allowedImages: Opt(SeedAllowedImages),
  images: Opt(Type.Array(SeedImage)),
  snapshots: Opt(Type.Array(SeedSnapshot)),
  instances: Opt(Type.Array(SeedInstance)),
  launchTemplates: Opt(Type.Array(SeedLaunchTemplate)),
  launchConfigurations: Opt(Type.Array(SeedLaunchConfiguration)),
  autoScalingGroups: Opt(Type.Array(SeedAutoScalingGroup)),
  ssmParameters: Opt(Type.Array(SeedSsmParameter)),
  kmsKeys: Opt(Type.Array(SeedKmsKey)),
});

export const SeedRole = closed({
  name: Type.String({ minLength: 1 }),
  /** Accounts whose principals may assume this role; `*` for any estate account. */
  trustedAccounts: Type.Array(Type.Union([AccountId, Type.Literal('*')])),
});

export const SeedAccount = closed({
  id: AccountId,
  name: Type.String({ minLength: 1 }),
  email: Opt(Type.String()),
  /** Owner alias for third-party publishers (Amazon, Marketplace); such accounts are not org members. */
  alias: Opt(
    Type.Union([Type.Literal('amazon'), Type.Literal('aws-marketplace'), Type.Literal('aws-backup-vault')]),
  ),
  /** OU id the account sits in (the organization root when absent). */
  ou: Opt(Type.String()),
  member: Opt(Type.Boolean()),
  state: Opt(
    Type.Union([
      Type.Literal('ACTIVE'),
      Type.Literal('SUSPENDED'),
      Type.Literal('PENDING_CLOSURE'),
      Type.Literal('CLOSED'),
    ]),
  ),
  joined: Opt(SeedDate),
  accessKeyId: Opt(Type.String({ pattern: '^AKIA[A-Z0-9]{12,20}$' })),
  secretAccessKey: Opt(Type.String({ minLength: 8 })),
  roles: Opt(Type.Array(SeedRole)),
  regions: Opt(Type.Record(Type.String(), SeedRegion)),
});

export const SeedOrganization = closed({
  id: Type.String({ pattern: '^o-[a-z0-9]{10,32}$' }),
  managementAccount: AccountId,
  rootId: Opt(Type.String({ pattern: '^r-[0-9a-z]{4,32}$' })),
  ous: Opt(
    Type.Array(
      closed({
        id: Type.String({ pattern: '^ou-[0-9a-z]+-[0-9a-z]+$' }),
        name: Type.String(),
        parent: Opt(Type.String()),
      }),
    ),
  ),
});

export const EstateSeedSchema = closed({
  /** The fixed "now" every relative date is counted from, and the clock the simulator serves. */
  now: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?Z$' }),
  description: Opt(Type.String()),
  regions: Type.Array(Type.String({ pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]$' }), { minItems: 1 }),
  organization: Opt(SeedOrganization),
  accounts: Type.Array(SeedAccount, { minItems: 1 }),
  /** Public SSM parameters (`/aws/service/...`) per region, readable by every account. */
  publicParameters: Opt(Type.Record(Type.String(), Type.Array(SeedSsmParameter))),
});

export type EstateSeed = Static<typeof EstateSeedSchema>;
export type SeedAccountT = Static<typeof SeedAccount>;
export type SeedRegionT = Static<typeof SeedRegion>;
export type SeedImageT = Static<typeof SeedImage>;
export type SeedSnapshotT = Static<typeof SeedSnapshot>;
export type SeedContentTreeT = Static<typeof SeedContentTree>;
export type SeedInstanceT = Static<typeof SeedInstance>;
export type SeedLaunchTemplateT = Static<typeof SeedLaunchTemplate>;
export type SeedLaunchConfigurationT = Static<typeof SeedLaunchConfiguration>;
export type SeedAutoScalingGroupT = Static<typeof SeedAutoScalingGroup>;
export type SeedSsmParameterT = Static<typeof SeedSsmParameter>;
export type SeedKmsKeyT = Static<typeof SeedKmsKey>;
export type SeedLaunchPermissionT = Static<typeof SeedLaunchPermission>;
export type LaunchTemplateRefT = Static<typeof LaunchTemplateRef>;
