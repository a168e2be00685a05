// Test support: build inventories by hand and watch what actions asked AWS to do.
import type { ImageEffects } from './effects.ts';
import type { AmiRecord, LaunchPermission, PolicyImage, ScanSummary, UsageRef } from './resource.ts';

export interface EffectCall {
  accountId: string;
  region: string;
  call: keyof ImageEffects;
  args: unknown[];
}

/** Records every call; `failOn` names image or snapshot ids whose calls throw like AWS would. */
export class RecordingEffects {
  readonly calls: EffectCall[] = [];
  readonly failOn = new Set<string>();

  for(accountId: string, region: string): ImageEffects {
    const rec =
      (call: keyof ImageEffects) =>
      async (...args: unknown[]): Promise<void> => {
        if (typeof args[0] === 'string' && this.failOn.has(args[0]))
          throw new Error(`${call} refused for ${args[0]}`);
        this.calls.push({ accountId, region, call, args });
      };
    return {
      createTags: rec('createTags'),
      deleteTags: rec('deleteTags'),
      deregisterImage: rec('deregisterImage'),
      deleteSnapshot: rec('deleteSnapshot'),
      enableDeprecation: rec('enableDeprecation'),
      disableImage: rec('disableImage'),
      enableDeregistrationProtection: rec('enableDeregistrationProtection'),
      removeLaunchPermissions: rec('removeLaunchPermissions'),
    };
  }
}

export interface ImageSpec extends Partial<AmiRecord> {
  ImageId: string;
  account?: string;
  region?: string;
  owned?: boolean;
  perms?: LaunchPermission[];
  usage?: Partial<UsageRef>[];
  snapshots?: string[];
  daysOld?: number;
  scan?: ScanSummary;
}

export const NOW = new Date('2026-11-01T12:00:00Z');

export function image(spec: ImageSpec, now = NOW): PolicyImage {
  const {
    account = '111111111111',
    region = 'us-east-1',
    owned = true,
    perms = [],
    usage = [],
    snapshots,
    daysOld,
    scan,
    ...rest
  } = spec;
  const resource: AmiRecord = {
    OwnerId: account,
    State: 'available',
    CreationDate: new Date(now.getTime() - (daysOld ?? 10) * 86_400_000).toISOString(),
    Public: perms.some((p) => p.Group === 'all'),
    Tags: [],
    BlockDeviceMappings: (snapshots ?? [`snap-${spec.ImageId.slice(4)}`]).map((s, i) => ({
      DeviceName: i === 0 ? '/dev/xvda' : `/dev/xvd${String.fromCharCode(98 + i)}`,
      Ebs: { SnapshotId: s, Encrypted: false, VolumeSize: 8 },
    })),
    ...rest,
  };
  return {
    resource,
    accountId: account,
    region,
    owned,
    launchPermissions: perms,
    ...(scan ? { scan } : {}),
    usage: usage.map((u) => ({
      kind: 'instance',
      id: 'i-0',
      accountId: account,
      region,
      state: 'running',
      inUse: u.state !== 'terminated',
      ...u,
    })),
  };
}

/**
 * The policy the guardrails exist for: deregister every deprecated image with its snapshots.
 * `keys` are policy-level lines to add (`max-resources: 3`, `allow-in-use: true`).
 */
export function naiveDeregisterPolicy(keys: readonly string[] = [], name = 'naive-deregister'): string {
  return `policies:
  - name: ${name}
    resource: aws.ami
${keys.map((k) => `    ${k}\n`).join('')}    filters:
      - "tag:lifecycle": deprecated
    actions:
      - type: deregister
        delete-snapshots: true
`;
}
