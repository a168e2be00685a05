import { SIM_ROOT_CREDENTIALS } from '../credentials.ts';
import type {
  AccountRec,
  AutoScalingGroupRec,
  ImageRec,
  InstanceRec,
  KmsKeyRec,
  LaunchConfigurationRec,
  LaunchTemplateRec,
  OrganizationRec,
  RegionSettings,
  SnapshotRec,
  SsmParameterRec,
} from './types.ts';

export interface KeyEntry {
  accountId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** Wall-clock epoch ms after which temporary keys are refused (ExpiredToken). */
  expiresAt?: number;
  role?: { name: string; session: string };
}

const key = (owner: string, region: string) => `${owner}|${region}`;

function addTo<V>(map: Map<string, Set<V>>, k: string, v: V): void {
  let s = map.get(k);
  if (!s) map.set(k, (s = new Set()));
  s.add(v);
}

function mapIn<V>(map: Map<string, Map<string, V>>, k: string): Map<string, V> {
  let m = map.get(k);
  if (!m) map.set(k, (m = new Map()));
  return m;
}

/**
 * The estate: records plus the indexes the describe calls need (by owner and region, public and
 * shared images per region), so listing stays linear in what an account can see, never in the
 * whole estate. `version` changes on every mutation; list results are cached per version.
 */
export class EstateState {
  readonly regions: string[];
  organization: OrganizationRec | undefined;
  readonly accounts = new Map<string, AccountRec>();
  readonly keys = new Map<string, KeyEntry>();
  readonly images = new Map<string, ImageRec>();
  readonly snapshots = new Map<string, SnapshotRec>();
  readonly instances = new Map<string, InstanceRec>();
  readonly launchTemplates = new Map<string, LaunchTemplateRec>();
  readonly launchConfigurations = new Map<string, Map<string, LaunchConfigurationRec>>();
  readonly autoScalingGroups = new Map<string, Map<string, AutoScalingGroupRec>>();
  readonly ssmParameters = new Map<string, Map<string, SsmParameterRec>>();
  readonly publicParameters = new Map<string, Map<string, SsmParameterRec>>();
  /** KMS keys by ARN. */
  readonly kmsKeys = new Map<string, KmsKeyRec>();
  private readonly settings = new Map<string, RegionSettings>();
  private readonly imagesByOwner = new Map<string, Set<string>>();
  private readonly publicImages = new Map<string, Set<string>>();
  private readonly sharedImages = new Map<string, Set<string>>();
  private readonly snapshotsByOwner = new Map<string, Set<string>>();
  private readonly sharedSnapshots = new Map<string, Set<string>>();
  private readonly instancesByOwner = new Map<string, Set<string>>();
  private readonly templatesByOwner = new Map<string, Set<string>>();
  private readonly templateNames = new Map<string, string>();
  /** Images referenced by each snapshot id, in every image state. */
  private readonly snapshotImages = new Map<string, Set<string>>();
  /** How many instances (in any state) were launched from each image. */
  readonly instancesOnImage = new Map<string, number>();
  version = 0;
  private sessionCounter = 0;

  constructor(
    regions: string[],
    /** The estate clock: the seed's "now" unless the simulator was given another. */
    public now: () => number,
  ) {
    this.regions = regions;
  }

  touch(): void {
    this.version++;
  }

  addAccount(acct: AccountRec): void {
    this.accounts.set(acct.id, acct);
    this.keys.set(acct.accessKeyId, { accountId: acct.id, secretAccessKey: acct.secretAccessKey });
  }

  /** SIM_ROOT_CREDENTIALS act as this account (the management account). */
  setRootAccount(accountId: string): void {
    this.keys.set(SIM_ROOT_CREDENTIALS.accessKeyId, {
      accountId,
      secretAccessKey: SIM_ROOT_CREDENTIALS.secretAccessKey,
    });
  }

  /** Temporary keys for an AssumeRole session, acting as `accountId`. */
  addSession(
    accountId: string,
    role: { name: string; session: string },
    expiresAt?: number,
  ): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
    const n = ++this.sessionCounter;
    const accessKeyId = `ASIASIM${String(n).padStart(13, '0')}`;
    const secretAccessKey = `amiwarden-sim-session-secret-${n}`;
    const sessionToken = Buffer.from(`amiwarden-sim-session:${n}:${accountId}:${role.name}`).toString(
      'base64',
    );
    this.keys.set(accessKeyId, {
      accountId,
      secretAccessKey,
      sessionToken,
      role,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    return { accessKeyId, secretAccessKey, sessionToken };
  }

  settingsFor(owner: string, region: string): RegionSettings {
    let s = this.settings.get(key(owner, region));
    if (!s) {
      s = {
        blockPublicAccess: 'unblocked',
        snapshotBlockPublicAccess: 'unblocked',
        allowedImages: { state: 'disabled', criteria: [] },
      };
      this.settings.set(key(owner, region), s);
    }
    return s;
  }

  // ---- images
  addImage(img: ImageRec): void {
    this.images.set(img.id, img);
    addTo(this.imagesByOwner, key(img.ownerId, img.region), img.id);
    this.reindexImageSharing(img);
    for (const bd of img.blockDevices) if (bd.snapshotId) addTo(this.snapshotImages, bd.snapshotId, img.id);
  }

  /** Call after launch permissions change. */
  reindexImageSharing(img: ImageRec): void {
    const isPublic = img.launchPermissions.some((p) => p.group === 'all');
    const isShared = img.launchPermissions.some((p) => p.group !== 'all');
    const pub = this.publicImages.get(img.region);
    const shared = this.sharedImages.get(img.region);
    if (isPublic) addTo(this.publicImages, img.region, img.id);
    else pub?.delete(img.id);
    if (isShared) addTo(this.sharedImages, img.region, img.id);
    else shared?.delete(img.id);
  }

  imageIdsOwnedBy(owner: string, region: string): ReadonlySet<string> {
    return this.imagesByOwner.get(key(owner, region)) ?? new Set();
  }
  publicImageIds(region: string): ReadonlySet<string> {
    return this.publicImages.get(region) ?? new Set();
  }
  sharedImageIds(region: string): ReadonlySet<string> {
    return this.sharedImages.get(region) ?? new Set();
  }
  imagesUsingSnapshot(snapshotId: string): ReadonlySet<string> {
    return this.snapshotImages.get(snapshotId) ?? new Set();
  }

  // ---- snapshots
  addSnapshot(snap: SnapshotRec): void {
    this.snapshots.set(snap.id, snap);
    if (snap.kmsKeyId) this.implicitKey(snap.kmsKeyId, snap.created);
    addTo(this.snapshotsByOwner, key(snap.ownerId, snap.region), snap.id);
    if (snap.createVolumePermissions.length > 0) addTo(this.sharedSnapshots, snap.region, snap.id);
  }
  deleteSnapshot(id: string): void {
    const snap = this.snapshots.get(id);
    if (!snap) return;
    this.snapshots.delete(id);
    this.snapshotsByOwner.get(key(snap.ownerId, snap.region))?.delete(id);
    this.sharedSnapshots.get(snap.region)?.delete(id);
  }
  snapshotIdsOwnedBy(owner: string, region: string): ReadonlySet<string> {
    return this.snapshotsByOwner.get(key(owner, region)) ?? new Set();
  }
  sharedSnapshotIds(region: string): ReadonlySet<string> {
    return this.sharedSnapshots.get(region) ?? new Set();
  }

  // ---- KMS keys
  addKmsKey(key: KmsKeyRec): void {
    this.kmsKeys.set(key.arn, key);
  }

  /**
   * A key ARN a snapshot names without the seed declaring the key still exists, with the default
   * key policy (its own account only), so EBS and KMS agree about it. Declared keys replace it.
   */
  private implicitKey(arn: string, created: number): void {
    const m = /^arn:aws:kms:([a-z0-9-]+):([0-9]{12}):key\/(.+)$/.exec(arn);
    if (!m || this.kmsKeys.has(arn)) return;
    const [, region, ownerId, id] = m as unknown as [string, string, string, string];
    this.kmsKeys.set(arn, {
      id,
      arn,
      region,
      ownerId,
      description: '',
      created,
      state: 'Enabled',
      manager: 'CUSTOMER',
      policyAccounts: [],
      grants: [],
    });
  }

  // ---- instances, templates, ASGs, launch configurations, parameters
  addInstance(inst: InstanceRec): void {
    this.instances.set(inst.id, inst);
    this.instancesOnImage.set(inst.imageId, (this.instancesOnImage.get(inst.imageId) ?? 0) + 1);
    addTo(this.instancesByOwner, key(inst.ownerId, inst.region), inst.id);
  }
  instanceIdsOwnedBy(owner: string, region: string): ReadonlySet<string> {
    return this.instancesByOwner.get(key(owner, region)) ?? new Set();
  }

  addLaunchTemplate(lt: LaunchTemplateRec): void {
    this.launchTemplates.set(lt.id, lt);
    addTo(this.templatesByOwner, key(lt.ownerId, lt.region), lt.id);
    this.templateNames.set(`${key(lt.ownerId, lt.region)}|${lt.name}`, lt.id);
  }
  templateIdsOwnedBy(owner: string, region: string): ReadonlySet<string> {
    return this.templatesByOwner.get(key(owner, region)) ?? new Set();
  }
  templateByName(owner: string, region: string, name: string): LaunchTemplateRec | undefined {
    const id = this.templateNames.get(`${key(owner, region)}|${name}`);
    return id === undefined ? undefined : this.launchTemplates.get(id);
  }

  addLaunchConfiguration(lc: LaunchConfigurationRec): void {
    mapIn(this.launchConfigurations, key(lc.ownerId, lc.region)).set(lc.name, lc);
  }
  launchConfigurationsOf(owner: string, region: string): ReadonlyMap<string, LaunchConfigurationRec> {
    return this.launchConfigurations.get(key(owner, region)) ?? new Map();
  }

  addAutoScalingGroup(asg: AutoScalingGroupRec): void {
    mapIn(this.autoScalingGroups, key(asg.ownerId, asg.region)).set(asg.name, asg);
  }
  autoScalingGroupsOf(owner: string, region: string): ReadonlyMap<string, AutoScalingGroupRec> {
    return this.autoScalingGroups.get(key(owner, region)) ?? new Map();
  }

  addSsmParameter(owner: string | undefined, region: string, p: SsmParameterRec): void {
    if (owner === undefined) mapIn(this.publicParameters, region).set(p.name, p);
    else mapIn(this.ssmParameters, key(owner, region)).set(p.name, p);
  }
  ssmParameter(owner: string, region: string, name: string): SsmParameterRec | undefined {
    return (
      this.ssmParameters.get(key(owner, region))?.get(name) ?? this.publicParameters.get(region)?.get(name)
    );
  }

  /** The OU ids an account sits under, innermost first (root excluded). */
  ouPath(accountId: string): string[] {
    const org = this.organization;
    const acct = this.accounts.get(accountId);
    if (!org || !acct?.member) return [];
    const out: string[] = [];
    let cur = acct.ou;
    while (cur && cur !== org.rootId && out.length < 10) {
      out.push(cur);
      cur = org.ous.find((o) => o.id === cur)?.parent;
    }
    return out;
  }
}
