import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { inChunks } from './image-usage.ts';
import type { UsageReference } from './image-usage.ts';

/** An Auto Scaling group behind a reference, with what it launches through. */
export interface AsgFacts {
  account_id: string;
  region: string;
  name: string;
  desired_capacity: number;
  launch_configuration_name: string | null;
  /** Each template it names: `lt-…` as named, the version as named and the number it means today. */
  templates: { launch_template_id: string | null; version: string; resolved_version: number | null }[];
}

/**
 * Facts around an image's references that the view does not carry: which groups launch through a
 * template version or configuration, the latest instance launched from each template version, and
 * the template versions that read an SSM parameter. Used to tell stale references from live ones
 * and to say how a launch path reaches the image.
 */
export interface UsageEvidence {
  /** Keyed `account/region/name`. */
  asgs: Map<string, AsgFacts>;
  /** `lt-…:N` -> the latest launch_time of a collected instance (any state) launched from it. */
  lastLaunchFromVersion: Map<string, string>;
  /** `account/region/parameter` -> the template versions (`lt-…:N`) whose image id resolves it. */
  ssmReaders: Map<string, string[]>;
  /** The templates of the version references, by id. */
  templates: Map<string, { name: string; default_version: number | null; latest_version: number | null }>;
}

export const scopeKey = (account: string, region: string, name: string): string =>
  `${account}/${region}/${name}`;

/** `lt-0abc:3` -> ['lt-0abc', 3]. */
export function splitVersionRef(ref: string): [string, number] {
  const i = ref.lastIndexOf(':');
  return [ref.slice(0, i), Number(ref.slice(i + 1))];
}

export async function usageEvidence(
  db: Kysely<Database>,
  refs: readonly UsageReference[],
): Promise<UsageEvidence> {
  const of = (kind: string) => refs.filter((r) => r.kind === kind);
  const ltIds = of('launch-template-version').map((r) => splitVersionRef(r.ref_id)[0]);
  const lcNames = of('launch-configuration').map((r) => r.ref_id);
  const params = of('ssm-parameter').map((r) => r.ref_id);

  const ltRefs = [
    ...(await inChunks(ltIds, (part) =>
      db
        .selectFrom('asg_launch_template_refs')
        .selectAll()
        .where('deleted_at', 'is', null)
        .where('launch_template_id', 'in', part)
        .execute(),
    )),
    ...(await inChunks(
      of('auto-scaling-group').map((r) => r.ref_id),
      (part) =>
        db
          .selectFrom('asg_launch_template_refs')
          .selectAll()
          .where('deleted_at', 'is', null)
          .where('asg_name', 'in', part)
          .execute(),
    )),
  ];
  const asgNames = [...of('auto-scaling-group').map((r) => r.ref_id), ...ltRefs.map((r) => r.asg_name)];
  const groups = [
    ...(await inChunks(asgNames, (part) =>
      db
        .selectFrom('auto_scaling_groups')
        .selectAll()
        .where('deleted_at', 'is', null)
        .where('name', 'in', part)
        .execute(),
    )),
    ...(await inChunks(lcNames, (part) =>
      db
        .selectFrom('auto_scaling_groups')
        .selectAll()
        .where('deleted_at', 'is', null)
        .where('launch_configuration_name', 'in', part)
        .execute(),
    )),
  ];
  const asgs = new Map<string, AsgFacts>();
  for (const g of groups)
    asgs.set(scopeKey(g.account_id, g.region, g.name), {
      account_id: g.account_id,
      region: g.region,
      name: g.name,
      desired_capacity: Number(g.desired_capacity ?? 0),
      launch_configuration_name: g.launch_configuration_name,
      templates: [],
    });
  const seen = new Set<string>();
  for (const r of ltRefs) {
    const key = `${scopeKey(r.account_id, r.region, r.asg_name)}#${r.position}`;
    if (seen.has(key)) continue;
    seen.add(key);
    asgs.get(scopeKey(r.account_id, r.region, r.asg_name))?.templates.push({
      launch_template_id: r.launch_template_id,
      version: r.version,
      resolved_version: r.resolved_version === null ? null : Number(r.resolved_version),
    });
  }

  const launches = await inChunks(ltIds, (part) =>
    db
      .selectFrom('instances')
      .select(['launch_template_id', 'launch_template_version', 'launch_time'])
      .where('launch_template_id', 'in', part)
      .where('launch_time', 'is not', null)
      .execute(),
  );
  const lastLaunchFromVersion = new Map<string, string>();
  for (const l of launches) {
    const key = `${l.launch_template_id}:${l.launch_template_version}`;
    const prev = lastLaunchFromVersion.get(key);
    if (l.launch_time && (!prev || Date.parse(l.launch_time) > Date.parse(prev)))
      lastLaunchFromVersion.set(key, l.launch_time);
  }

  const readers = await inChunks(params, (part) =>
    db
      .selectFrom('launch_template_versions')
      .select(['account_id', 'region', 'launch_template_id', 'version_number', 'ssm_parameter'])
      .where('deleted_at', 'is', null)
      .where('ssm_parameter', 'in', part)
      .orderBy('launch_template_id')
      .orderBy('version_number')
      .execute(),
  );
  const ssmReaders = new Map<string, string[]>();
  for (const v of readers) {
    const key = scopeKey(v.account_id, v.region, v.ssm_parameter ?? '');
    ssmReaders.set(key, [...(ssmReaders.get(key) ?? []), `${v.launch_template_id}:${v.version_number}`]);
  }
  const templates = new Map(
    (
      await inChunks(ltIds, (part) =>
        db
          .selectFrom('launch_templates')
          .select(['launch_template_id', 'name', 'default_version', 'latest_version'])
          .where('deleted_at', 'is', null)
          .where('launch_template_id', 'in', part)
          .execute(),
      )
    ).map((t) => [
      t.launch_template_id,
      {
        name: t.name,
        default_version: t.default_version === null ? null : Number(t.default_version),
        latest_version: t.latest_version === null ? null : Number(t.latest_version),
      },
    ]),
  );
  return { asgs, lastLaunchFromVersion, ssmReaders, templates };
}

interface AsgIndex {
  /** `account/region/lt-…:N` -> groups that launch that version today. */
  byVersion: Map<string, AsgFacts[]>;
  /** `account/region/configuration` -> groups that name it. */
  byConfiguration: Map<string, AsgFacts[]>;
}

// Built once per evidence: a report over many images asks once per reference, and a scan of every
// group per reference grows with references x groups.
const indexes = new WeakMap<Map<string, AsgFacts>, AsgIndex>();

function asgIndex(ev: UsageEvidence): AsgIndex {
  let ix = indexes.get(ev.asgs);
  if (ix) return ix;
  ix = { byVersion: new Map(), byConfiguration: new Map() };
  const push = (m: Map<string, AsgFacts[]>, k: string, g: AsgFacts) => {
    const list = m.get(k);
    if (!list) m.set(k, [g]);
    else if (!list.includes(g)) list.push(g);
  };
  for (const g of ev.asgs.values()) {
    for (const t of g.templates)
      if (t.launch_template_id && t.resolved_version !== null)
        push(
          ix.byVersion,
          scopeKey(g.account_id, g.region, `${t.launch_template_id}:${t.resolved_version}`),
          g,
        );
    if (g.launch_configuration_name)
      push(ix.byConfiguration, scopeKey(g.account_id, g.region, g.launch_configuration_name), g);
  }
  indexes.set(ev.asgs, ix);
  return ix;
}

/** The groups that launch a template version today (by number, $Default or $Latest). */
export function asgsLaunching(ev: UsageEvidence, ref: UsageReference): AsgFacts[] {
  return asgIndex(ev).byVersion.get(scopeKey(ref.account_id, ref.region, ref.ref_id)) ?? [];
}

/** The groups that name a launch configuration. */
export function asgsOfConfiguration(ev: UsageEvidence, ref: UsageReference): AsgFacts[] {
  return asgIndex(ev).byConfiguration.get(scopeKey(ref.account_id, ref.region, ref.ref_id)) ?? [];
}
