import { accountCredentials } from '../credentials.ts';
import { SeedIssue } from '../seed/load.ts';
import type { EstateSeed, SeedAccountT } from '../seed/schema.ts';
import type { EstateState } from './estate.ts';
import type { AccountRec, LaunchTemplateRefRec, SsmParameterRec } from './types.ts';

export function ltRef(r: { id?: string; name?: string; version?: string }): LaunchTemplateRefRec {
  return { id: r.id, name: r.name, version: r.version };
}

/**
 * The `aws:ec2launchtemplate:*` tags EC2 puts on an instance launched from a template: its id and
 * the version number `$Default`, `$Latest` or a number resolved to at launch. None when the
 * template is not in the seed (the instance's own tags then say what they say).
 */
export function launchTemplateTags(
  state: EstateState,
  owner: string,
  region: string,
  ref: { id?: string; name?: string; version?: string } | undefined,
): [string, string][] {
  if (!ref) return [];
  const lt = ref.id ? state.launchTemplates.get(ref.id) : state.templateByName(owner, region, ref.name ?? '');
  if (!lt || lt.ownerId !== owner || lt.region !== region || lt.versions.length === 0) return [];
  const latest = Math.max(...lt.versions.map((v) => v.number));
  const version =
    ref.version === undefined || ref.version === '$Default'
      ? lt.defaultVersion
      : ref.version === '$Latest'
        ? latest
        : Number(ref.version);
  if (!Number.isInteger(version)) return [];
  return [
    ['aws:ec2launchtemplate:id', lt.id],
    ['aws:ec2launchtemplate:version', String(version)],
  ];
}

export function ssmRec(
  p: { name: string; value: string; type?: string; dataType?: string; version?: number; modified?: string },
  date: (v: string) => number,
  nowMs: number,
): SsmParameterRec {
  return {
    name: p.name,
    value: p.value,
    type: p.type ?? 'String',
    dataType: p.dataType ?? (p.value.startsWith('ami-') ? 'aws:ec2:image' : 'text'),
    version: p.version ?? 1,
    modified: p.modified === undefined ? nowMs : date(p.modified),
  };
}

export function accountRec(
  a: SeedAccountT,
  i: number,
  seed: EstateSeed,
  date: (v: string) => number,
): AccountRec {
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
