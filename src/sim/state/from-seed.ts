import { dirname, resolve } from 'node:path';
import { accountCredentials } from '../credentials.ts';
import { resolveSeedDate } from '../seed/dates.ts';
import { SeedIssue } from '../seed/load.ts';
import type {
  EstateSeed,
  SeedAccountT,
  SeedImageT,
  SeedLaunchPermissionT,
  SeedRegionT,
} from '../seed/schema.ts';
import { EstateState } from './estate.ts';
import type { BlockDevice, ImageRec, LaunchPermission, LaunchTemplateRefRec } from './types.ts';

type Path = (string | number)[];

/**
 * Builds the live estate from a validated seed. Cross references are checked here (the schema
 * cannot): unknown regions, duplicate ids, instances on undeclared images, ASG members that do
 * not exist. Each problem is a SeedIssue naming its path so the loader can give its line.
 */
export function buildEstate(seed: EstateSeed, seedFile?: string): EstateState {
  const nowMs = Date.parse(seed.now);
  const date = (v: string) => resolveSeedDate(v, nowMs);
  const state = new EstateState([...seed.regions], () => nowMs);
  const org = seed.organization;
  const ids = new Map<string, string>();
  const unique = (id: string, path: Path) => {
    const prev = ids.get(id);
    if (prev !== undefined) throw new SeedIssue(path, `duplicate id ${id} (first at ${prev})`);
    ids.set(id, path.join('.'));
  };

  seed.accounts.forEach((a, i) => unique(a.id, ['accounts', i, 'id']));
  if (org) {
    if (!seed.accounts.some((a) => a.id === org.managementAccount))
      throw new SeedIssue(
        ['organization', 'managementAccount'],
        `management account ${org.managementAccount} is not in accounts`,
      );
    const rootId = org.rootId ?? `r-${org.id.slice(2, 6)}`;
    const ous = (org.ous ?? []).map((o) => ({ id: o.id, name: o.name, parent: o.parent ?? rootId }));
    ous.forEach((o, i) => {
      if (o.parent !== rootId && !ous.some((p) => p.id === o.parent))
        throw new SeedIssue(['organization', 'ous', i, 'parent'], `unknown parent OU ${o.parent}`);
    });
    state.organization = { id: org.id, managementAccount: org.managementAccount, rootId, ous };
  }
  const orgArn = org ? `arn:aws:organizations::${org.managementAccount}:organization/${org.id}` : undefined;
  const ouArn = (ou: string) => `arn:aws:organizations::${org!.managementAccount}:ou/${org!.id}/${ou}`;

  seed.accounts.forEach((a, i) => state.addAccount(accountRec(a, i, seed, date)));
  state.setRootAccount(org?.managementAccount ?? seed.accounts[0]!.id);

  const toPermission = (p: SeedLaunchPermissionT, path: Path): LaunchPermission => {
    const set = Object.keys(p);
    if (set.length !== 1)
      throw new SeedIssue(
        path,
        'a launch permission sets exactly one of userId, group, organizationArn, organizationalUnitArn, organization, ou',
      );
    if (p.organization || p.ou) {
      if (!orgArn) throw new SeedIssue(path, 'organization or OU share in a seed without an organization');
      if (p.organization) return { organizationArn: orgArn };
      if (!state.organization!.ous.some((o) => o.id === p.ou))
        throw new SeedIssue(path, `unknown OU ${p.ou}`);
      return { organizationalUnitArn: ouArn(p.ou!) };
    }
    return { ...p } as LaunchPermission;
  };

  const deferredInstances: (() => void)[] = [];
  seed.accounts.forEach((acct, ai) => {
    for (const [region, rs] of Object.entries(acct.regions ?? {})) {
      const base: Path = ['accounts', ai, 'regions', region];
      if (!seed.regions.includes(region))
        throw new SeedIssue(base, `region ${region} is not in the seed's regions list`);
      loadRegion(acct, region, rs, base);
    }
  });
  deferredInstances.forEach((f) => f());
  for (const [region, params] of Object.entries(seed.publicParameters ?? {})) {
    params.forEach((p) => state.addSsmParameter(undefined, region, ssmRec(p, date, nowMs)));
  }
  return state;

  function loadRegion(acct: SeedAccountT, region: string, rs: SeedRegionT, base: Path): void {
    const owner = acct.id;
    const settings = state.settingsFor(owner, region);
    if (rs.blockPublicAccess) settings.blockPublicAccess = rs.blockPublicAccess;
    if (rs.snapshotBlockPublicAccess) settings.snapshotBlockPublicAccess = rs.snapshotBlockPublicAccess;
    if (rs.allowedImages)
      settings.allowedImages = { state: rs.allowedImages.state, criteria: rs.allowedImages.criteria ?? [] };

    (rs.snapshots ?? []).forEach((s, i) => {
      unique(s.id, [...base, 'snapshots', i]);
      state.addSnapshot({
        id: s.id,
        region,
        ownerId: owner,
        volumeId: s.volumeId ?? `vol-${s.id.slice(5)}`,
        volumeSize: s.size,
        created: date(s.created),
        description: s.description,
        encrypted: s.encrypted ?? s.kmsKeyId !== undefined,
        kmsKeyId: s.kmsKeyId,
        state: s.state ?? 'completed',
        createVolumePermissions: [
          ...(s.public ? [{ group: 'all' as const }] : []),
          ...(s.sharedWith ?? []).map((userId) => ({ userId })),
        ],
        tags: new Map(Object.entries(s.tags ?? {})),
        content:
          s.content === undefined
            ? undefined
            : resolve(seedFile ? dirname(seedFile) : process.cwd(), s.content),
      });
    });

    (rs.images ?? []).forEach((img, i) => {
      const path = [...base, 'images', i];
      unique(img.id, path);
      state.addImage(imageRec(img, owner, region, path));
    });

    (rs.launchTemplates ?? []).forEach((lt, i) => {
      const path = [...base, 'launchTemplates', i];
      unique(lt.id, path);
      if (state.templateByName(owner, region, lt.name))
        throw new SeedIssue(path, `duplicate launch template name ${lt.name}`);
      const numbers = lt.versions.map((v) => v.number);
      if (new Set(numbers).size !== numbers.length)
        throw new SeedIssue([...path, 'versions'], 'duplicate version number');
      const defaultVersion = lt.defaultVersion ?? 1;
      if (!numbers.includes(defaultVersion))
        throw new SeedIssue([...path, 'defaultVersion'], `no version ${defaultVersion}`);
      state.addLaunchTemplate({
        id: lt.id,
        name: lt.name,
        region,
        ownerId: owner,
        created: date(lt.created),
        defaultVersion,
        tags: new Map(Object.entries(lt.tags ?? {})),
        versions: [...lt.versions]
          .sort((a, b) => a.number - b.number)
          .map((v) => ({
            number: v.number,
            imageId: v.image,
            instanceType: v.instanceType,
            created: date(v.created ?? lt.created),
            description: v.description,
          })),
      });
    });

    (rs.launchConfigurations ?? []).forEach((lc, i) => {
      if (state.launchConfigurationsOf(owner, region).has(lc.name))
        throw new SeedIssue(
          [...base, 'launchConfigurations', i],
          `duplicate launch configuration ${lc.name}`,
        );
      state.addLaunchConfiguration({
        name: lc.name,
        region,
        ownerId: owner,
        imageId: lc.image,
        instanceType: lc.instanceType ?? 't3.micro',
        created: date(lc.created),
      });
    });

    (rs.ssmParameters ?? []).forEach((p) => state.addSsmParameter(owner, region, ssmRec(p, date, nowMs)));

    // Instances may sit on images declared later in the file (another account's), so resolve them last.
    (rs.instances ?? []).forEach((inst, i) => {
      const path = [...base, 'instances', i];
      unique(inst.id, path);
      deferredInstances.push(() => {
        const img = state.images.get(inst.image);
        if (!img)
          throw new SeedIssue(
            [...path, 'image'],
            `image ${inst.image} is not declared anywhere in the seed (declare it, state: deregistered if it is gone)`,
          );
        if (img.region !== region)
          throw new SeedIssue([...path, 'image'], `image ${inst.image} is in ${img.region}, not ${region}`);
        state.addInstance({
          id: inst.id,
          region,
          ownerId: owner,
          reservationId: inst.reservation ?? `r-${inst.id.slice(2)}`,
          imageId: inst.image,
          state: inst.state,
          instanceType: inst.type ?? 't3.micro',
          launched: date(inst.launched),
          availabilityZone: inst.availabilityZone ?? `${region}a`,
          platform: inst.platform ?? img.platform,
          launchTemplate: inst.launchTemplate ? ltRef(inst.launchTemplate) : undefined,
          autoScalingGroup: inst.autoScalingGroup,
          tags: new Map(Object.entries(inst.tags ?? {})),
        });
      });
    });

    (rs.autoScalingGroups ?? []).forEach((g, i) => {
      const path = [...base, 'autoScalingGroups', i];
      if (state.autoScalingGroupsOf(owner, region).has(g.name))
        throw new SeedIssue(path, `duplicate auto scaling group ${g.name}`);
      const sources = [g.launchTemplate, g.launchConfiguration, g.mixedInstances].filter(
        (x) => x !== undefined,
      ).length;
      if (sources !== 1)
        throw new SeedIssue(
          path,
          'an auto scaling group needs exactly one of launchTemplate, launchConfiguration, mixedInstances',
        );
      const memberIds = g.instances ?? [];
      deferredInstances.push(() =>
        memberIds.forEach((id, j) => {
          const inst = state.instances.get(id);
          if (!inst || inst.ownerId !== owner || inst.region !== region)
            throw new SeedIssue(
              [...path, 'instances', j],
              `instance ${id} is not declared in this account and region`,
            );
          inst.autoScalingGroup = g.name;
        }),
      );
      state.addAutoScalingGroup({
        name: g.name,
        region,
        ownerId: owner,
        created: date(g.created),
        min: g.min,
        max: g.max,
        desired: g.desired,
        launchTemplate: g.launchTemplate ? ltRef(g.launchTemplate) : undefined,
        launchConfigurationName: g.launchConfiguration,
        mixedInstances: g.mixedInstances
          ? {
              launchTemplate: ltRef(g.mixedInstances.launchTemplate),
              overrides: (g.mixedInstances.overrides ?? []).map((o) => ({
                instanceType: o.instanceType,
                imageId: o.imageId,
                launchTemplate: o.launchTemplate ? ltRef(o.launchTemplate) : undefined,
              })),
              onDemandBaseCapacity: g.mixedInstances.onDemandBaseCapacity,
            }
          : undefined,
        instanceIds: [...memberIds],
        availabilityZones: g.availabilityZones ?? [`${region}a`],
        tags: new Map(Object.entries(g.tags ?? {})),
      });
    });
  }

  function imageRec(img: SeedImageT, owner: string, region: string, path: Path): ImageRec {
    const state_ = img.state ?? 'available';
    const perms = [
      ...(img.public ? [{ group: 'all' as const }] : []),
      ...(img.launchPermissions ?? []).map((p, j) => toPermission(p, [...path, 'launchPermissions', j])),
    ];
    if (state_ === 'disabled' && perms.length > 0)
      throw new SeedIssue(path, 'a disabled image has no launch permissions (AWS removes them on disable)');
    const rootDeviceType = img.rootDeviceType ?? 'ebs';
    const rootDeviceName = img.rootDeviceName ?? '/dev/xvda';
    const devices =
      img.blockDevices ??
      (rootDeviceType === 'ebs' ? [{ device: rootDeviceName, snapshot: `snap-${img.id.slice(4)}` }] : []);
    const blockDevices = devices.map((bd, j): BlockDevice => {
      const bpath = [...path, 'blockDevices', j];
      if (!bd.snapshot) return { deviceName: bd.device, virtualName: bd.virtualName };
      let snap = state.snapshots.get(bd.snapshot);
      if (snap && snap.region !== region)
        throw new SeedIssue(bpath, `snapshot ${bd.snapshot} is in ${snap.region}, not ${region}`);
      if (snap && bd.encrypted !== undefined && bd.encrypted !== snap.encrypted)
        throw new SeedIssue(bpath, `encrypted: ${bd.encrypted} contradicts snapshot ${snap.id}`);
      if (!snap && state_ !== 'deregistered') {
        unique(bd.snapshot, bpath);
        snap = {
          id: bd.snapshot,
          region,
          ownerId: owner,
          volumeId: `vol-${bd.snapshot.slice(5)}`,
          volumeSize: bd.size ?? 8,
          created: date(img.created),
          description: `Created by CreateImage for ${img.id}`,
          encrypted: bd.encrypted ?? bd.kmsKeyId !== undefined,
          kmsKeyId: bd.kmsKeyId,
          state: 'completed',
          createVolumePermissions: [],
          tags: new Map(),
        };
        state.addSnapshot(snap);
      }
      return {
        deviceName: bd.device,
        snapshotId: bd.snapshot,
        volumeSize: bd.size ?? snap?.volumeSize ?? 8,
        volumeType: bd.type ?? 'gp3',
        encrypted: bd.encrypted ?? snap?.encrypted ?? false,
        deleteOnTermination: bd.deleteOnTermination ?? true,
      };
    });
    const windows = img.platform === 'windows';
    return {
      id: img.id,
      region,
      ownerId: owner,
      name: img.name,
      description: img.description,
      created: date(img.created),
      state: state_,
      launchPermissions: perms,
      deprecationTime: img.deprecateAt === undefined ? undefined : date(img.deprecateAt),
      deregistrationProtection: img.deregistrationProtection ?? 'disabled',
      lastLaunched: img.lastLaunched === undefined ? undefined : date(img.lastLaunched),
      architecture: img.architecture ?? 'x86_64',
      platform: img.platform,
      platformDetails: img.platformDetails ?? (windows ? 'Windows' : 'Linux/UNIX'),
      usageOperation: windows ? 'RunInstances:0002' : 'RunInstances',
      imageType: img.imageType ?? 'machine',
      rootDeviceType,
      rootDeviceName,
      virtualizationType: img.virtualizationType ?? 'hvm',
      bootMode: img.bootMode,
      imdsSupport: img.imdsSupport,
      tpmSupport: img.tpmSupport,
      enaSupport: img.enaSupport ?? true,
      productCodes: (img.productCodes ?? []).map((p) => ({ ...p })),
      sourceImageId: img.source?.imageId,
      sourceImageRegion: img.source?.region,
      tags: new Map(Object.entries(img.tags ?? {})),
      blockDevices,
    };
  }
}

function ltRef(r: { id?: string; name?: string; version?: string }): LaunchTemplateRefRec {
  return { id: r.id, name: r.name, version: r.version };
}

function ssmRec(
  p: { name: string; value: string; type?: string; dataType?: string; version?: number; modified?: string },
  date: (v: string) => number,
  nowMs: number,
) {
  return {
    name: p.name,
    value: p.value,
    type: p.type ?? 'String',
    dataType: p.dataType ?? (p.value.startsWith('ami-') ? 'aws:ec2:image' : 'text'),
    version: p.version ?? 1,
    modified: p.modified === undefined ? nowMs : date(p.modified),
  };
}

function accountRec(a: SeedAccountT, i: number, seed: EstateSeed, date: (v: string) => number) {
  const org = seed.organization;
  const member = a.member ?? (org !== undefined && a.alias === undefined);
  if (a.ou !== undefined && !(org?.ous ?? []).some((o) => o.id === a.ou))
    throw new SeedIssue(['accounts', i, 'ou'], `unknown OU ${a.ou}`);
  if ((a.accessKeyId === undefined) !== (a.secretAccessKey === undefined))
    throw new SeedIssue(['accounts', i], 'give both accessKeyId and secretAccessKey, or neither');
  const derived = accountCredentials(a.id);
  const defaultRoles =
    member && org && a.id !== org.managementAccount
      ? [{ name: 'OrganizationAccountAccessRole', trustedAccounts: [org.managementAccount] }]
      : [];
  return {
    id: a.id,
    name: a.name,
    email: a.email ?? `${a.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}@example.com`,
    alias: a.alias,
    member,
    ou: a.ou,
    state: a.state ?? 'ACTIVE',
    joined: date(a.joined ?? 'now-1000d'),
    accessKeyId: a.accessKeyId ?? derived.accessKeyId,
    secretAccessKey: a.secretAccessKey ?? derived.secretAccessKey,
    roles: (a.roles ?? defaultRoles).map((r) => ({ name: r.name, trustedAccounts: [...r.trustedAccounts] })),
  };
}
