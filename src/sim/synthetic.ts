import { accountCredentials } from './credentials.ts';
import { EstateState } from './state/estate.ts';
import type { ImageRec, InstanceRec } from './state/types.ts';
import { rng } from '../seeded-rng.ts';

export interface SyntheticOptions {
  /** Images owned by the estate's accounts (third-party images come on top). */
  images: number;
  accounts?: number;
  regions?: string[];
  /** Same number, same estate. */
  seed?: number;
  /** The estate clock (ISO); dates are spread over the three years before it. */
  now?: string;
}

export const SYNTHETIC_DEFAULTS = {
  accounts: 50,
  regions: ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-southeast-2'],
  seed: 1,
  now: '2026-11-01T00:00:00Z',
} as const;

const hex = (prefix: string, n: number) => `${prefix}-0${n.toString(16).padStart(16, '0')}`;
const DAY = 86_400_000;
const AMAZON = '137112412989';

/**
 * Builds a large estate straight into memory (no YAML) for benchmarks: per owned image about one
 * instance in three (a tenth of them terminated), a launch template per ten images, an ASG per two
 * templates, a tenth of images shared with the organization and one in fifty public.
 */
export function generateSyntheticEstate(opts: SyntheticOptions): EstateState {
  const accounts = opts.accounts ?? SYNTHETIC_DEFAULTS.accounts;
  const regions = [...(opts.regions ?? SYNTHETIC_DEFAULTS.regions)];
  const rand = rng(opts.seed ?? SYNTHETIC_DEFAULTS.seed);
  const nowMs = Date.parse(opts.now ?? SYNTHETIC_DEFAULTS.now);
  if (!(opts.images >= 0) || !(accounts >= 1) || regions.length === 0)
    throw new RangeError('synthetic estate needs images >= 0, accounts >= 1 and a region');
  const state = new EstateState(regions, () => nowMs);
  const ids = Array.from({ length: accounts }, (_, i) => String(200000000000 + i));
  const ous = [
    { id: 'ou-synt-nonprod', name: 'NonProd', parent: 'r-synt' },
    { id: 'ou-synt-prod', name: 'Prod', parent: 'r-synt' },
  ];
  state.organization = { id: 'o-synthetic01', managementAccount: ids[0]!, rootId: 'r-synt', ous };
  ids.forEach((id, i) => {
    const creds = accountCredentials(id);
    state.addAccount({
      id,
      name: i === 0 ? 'management' : `workload-${String(i).padStart(3, '0')}`,
      email: `aws-${id}@synthetic.example`,
      member: true,
      ou: i === 0 ? undefined : ous[i % 2]!.id,
      state: 'ACTIVE',
      joined: nowMs - 1000 * DAY,
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      roles: i === 0 ? [] : [{ name: 'OrganizationAccountAccessRole', trustedAccounts: [ids[0]!] }],
    });
  });
  const amazonCreds = accountCredentials(AMAZON);
  state.addAccount({
    id: AMAZON,
    name: 'Amazon',
    email: 'amazon@example.com',
    alias: 'amazon',
    member: false,
    state: 'ACTIVE',
    joined: 0,
    ...amazonCreds,
    roles: [],
  });
  state.setRootAccount(ids[0]!);
  const orgArn = `arn:aws:organizations::${ids[0]}:organization/o-synthetic01`;

  let n = 0;
  const image = (owner: string, region: string, name: string, created: number): ImageRec => {
    const id = hex('ami', ++n);
    const snapId = hex('snap', n);
    const encrypted = rand() < 0.6;
    state.addSnapshot({
      id: snapId,
      region,
      ownerId: owner,
      volumeId: hex('vol', n),
      volumeSize: 8,
      created,
      encrypted,
      kmsKeyId: encrypted ? `arn:aws:kms:${region}:${owner}:key/00000000-0000-4000-8000-${owner}` : undefined,
      state: 'completed',
      createVolumePermissions: [],
      tags: new Map(),
    });
    return {
      id,
      region,
      ownerId: owner,
      name,
      created,
      state: 'available',
      launchPermissions: [],
      deregistrationProtection: 'disabled',
      architecture: rand() < 0.8 ? 'x86_64' : 'arm64',
      platformDetails: 'Linux/UNIX',
      usageOperation: 'RunInstances',
      imageType: 'machine',
      rootDeviceType: 'ebs',
      rootDeviceName: '/dev/xvda',
      virtualizationType: 'hvm',
      enaSupport: true,
      productCodes: [],
      tags: new Map([['Team', `team-${Math.floor(rand() * 20)}`]]),
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          snapshotId: snapId,
          volumeSize: 8,
          volumeType: 'gp3',
          encrypted,
          deleteOnTermination: true,
        },
      ],
    };
  };

  const amazonImages = new Map<string, string[]>();
  for (const region of regions) {
    const list: string[] = [];
    for (let k = 0; k < 50; k++) {
      const img = image(
        AMAZON,
        region,
        `al2023-ami-2023.${k}.0-kernel-6.1-x86_64`,
        nowMs - (50 - k) * 14 * DAY,
      );
      img.launchPermissions = [{ group: 'all' }];
      state.addImage(img);
      list.push(img.id);
    }
    amazonImages.set(region, list);
  }

  const slots = accounts * regions.length;
  let inst = 0;
  let lt = 0;
  for (let s = 0; s < slots; s++) {
    const owner = ids[s % accounts]!;
    const region = regions[Math.floor(s / accounts)]!;
    const count = Math.floor(opts.images / slots) + (s < opts.images % slots ? 1 : 0);
    const owned: string[] = [];
    for (let k = 0; k < count; k++) {
      const created = nowMs - Math.floor(rand() * 3 * 365) * DAY;
      const img = image(
        owner,
        region,
        `app-${k % 37}-${new Date(created).toISOString().slice(0, 10)}-${k}`,
        created,
      );
      const r = rand();
      if (r < 0.02) img.launchPermissions = [{ group: 'all' }];
      else if (r < 0.12) img.launchPermissions = [{ organizationArn: orgArn }];
      else if (r < 0.15) img.launchPermissions = [{ userId: ids[(s + 1) % accounts]! }];
      if (rand() < 0.03) img.deprecationTime = nowMs - Math.floor(rand() * 100) * DAY;
      if (rand() < 0.01) img.state = 'disabled';
      if (img.state === 'disabled') img.launchPermissions = [];
      state.addImage(img);
      owned.push(img.id);
    }
    const pick = () =>
      rand() < 0.05
        ? amazonImages.get(region)![Math.floor(rand() * 50)]!
        : owned[Math.floor(rand() * owned.length)];
    if (owned.length === 0) continue;
    const instanceCount = Math.ceil(owned.length / 3);
    for (let k = 0; k < instanceCount; k++) {
      const imageId = pick()!;
      const rec: InstanceRec = {
        id: hex('i', ++inst),
        region,
        ownerId: owner,
        reservationId: hex('r', inst),
        imageId,
        state: rand() < 0.1 ? 'terminated' : rand() < 0.2 ? 'stopped' : 'running',
        instanceType: 't3.medium',
        launched: nowMs - Math.floor(rand() * 400) * DAY,
        availabilityZone: `${region}a`,
        tags: new Map([['Name', `host-${inst}`]]),
      };
      state.addInstance(rec);
    }
    const templates: string[] = [];
    for (let k = 0; k < Math.ceil(owned.length / 10); k++) {
      const id = hex('lt', ++lt);
      const versions = 1 + Math.floor(rand() * 3);
      state.addLaunchTemplate({
        id,
        name: `tmpl-${lt}`,
        region,
        ownerId: owner,
        created: nowMs - 200 * DAY,
        defaultVersion: 1,
        versions: Array.from({ length: versions }, (_, v) => ({
          number: v + 1,
          imageId: pick(),
          instanceType: 't3.medium',
          created: nowMs - (200 - v * 30) * DAY,
        })),
        tags: new Map(),
      });
      templates.push(id);
    }
    for (let k = 0; k < templates.length; k += 2) {
      const zero = rand() < 0.2;
      state.addAutoScalingGroup({
        name: `asg-${owner}-${region}-${k}`,
        region,
        ownerId: owner,
        created: nowMs - 150 * DAY,
        min: zero ? 0 : 1,
        max: 4,
        desired: zero ? 0 : 2,
        launchTemplate: { id: templates[k]!, version: rand() < 0.5 ? '$Latest' : '$Default' },
        instanceIds: [],
        availabilityZones: [`${region}a`],
        tags: new Map(),
      });
    }
  }
  return state;
}
