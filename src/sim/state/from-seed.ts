import { dirname, resolve } from 'node:path';
import { resolveSeedDate } from '../seed/dates.ts';
import { SeedIssue } from '../seed/load.ts';
import type { EstateSeed, SeedAccountT, SeedLaunchPermissionT, SeedRegionT } from '../seed/schema.ts';
import { EstateState } from './estate.ts';
import { imageRec } from './seed-image.ts';
import type { Path, SeedBuildContext } from './seed-image.ts';
import { accountRec, launchTemplateTags, ltRef, ssmRec } from './seed-records.ts';
import { loadKmsKeys } from './seed-kms.ts';
import type { LaunchPermission } from './types.ts';

/**
 * Builds the live estate from a validated seed. Cross references are checked here (the schema
 * cannot): unknown regions, duplicate ids, instances on undeclared images, ASG members that do
 * not exist. Each problem is a SeedIssue naming its path so the loader can give its line.
 */
export function buildEstate(
  seed: EstateSeed,
  seedFile?: string,
  /** Disk images built from `contentTree`s (content-tree.ts), by snapshot id. */
  builtContents: ReadonlyMap<string, string> = new Map(),
): EstateState {
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

  const bctx: SeedBuildContext = { state, date, unique, toPermission };
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
  loadKmsKeys(seed, state, date);
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
      if (s.content !== undefined && s.contentTree !== undefined)
        throw new SeedIssue(
          [...base, 'snapshots', i, 'contentTree'],
          'a snapshot sets content or contentTree, not both',
        );
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
            ? builtContents.get(s.id)
            : resolve(seedFile ? dirname(seedFile) : process.cwd(), s.content),
      });
    });

    (rs.images ?? []).forEach((img, i) => {
      const path = [...base, 'images', i];
      unique(img.id, path);
      state.addImage(imageRec(bctx, img, owner, region, path));
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
          // EC2 tags an instance with the template version it was launched from; the seed's own
          // tags win, so a seed can still describe an instance of a template deleted since.
          tags: new Map([
            ...launchTemplateTags(state, owner, region, inst.launchTemplate),
            ...Object.entries(inst.tags ?? {}),
          ]),
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
}
