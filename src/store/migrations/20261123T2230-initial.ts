import { PostgresAdapter, sql } from 'kysely';
import type { Kysely } from 'kysely';
import { TABLE_KEYS } from '../schema.ts';
import type { HistoryTable } from '../schema.ts';

// Column specs as data: `name type` with a trailing `!` for NOT NULL. Types stay within
// text/integer/real so the same schema means the same thing in SQLite and PostgreSQL.
const HISTORY = ['first_seen text!', 'last_seen text!', 'deleted_at text'];

// Later migrations add history tables of their own; this one keeps the set it shipped with.
const TABLES: Record<Exclude<HistoryTable, 'image_views'>, string[]> = {
  accounts: ['account_id text!', 'name text', 'email text', 'state text', 'source text!', 'role_arn text'],
  regions: ['account_id text!', 'region text!', 'opt_in_status text'],
  images: [
    'image_id text!',
    'region text!',
    'owner_id text',
    'owner_alias text',
    'name text',
    'description text',
    'state text!',
    'state_reason text',
    'public integer',
    'creation_date text',
    'deprecation_time text',
    'architecture text',
    'platform text',
    'platform_details text',
    'image_type text',
    'root_device_type text',
    'root_device_name text',
    'virtualization_type text',
    'boot_mode text',
    'ena_support integer',
    'tpm_support text',
    'imds_support text',
    'image_allowed integer',
    'source_image_id text',
    'source_image_region text',
    'source_instance_id text',
    'deregistration_protection text',
    'last_launched_time text',
    'tags text!',
    'product_codes text!',
    'discovered_via text!',
    'describable integer!',
    'owner_collected integer!',
    'owner_facts text!',
    'seen_by_account text!',
    'raw text',
  ],
  launch_permissions: ['image_id text!', 'kind text!', 'value text!'],
  block_device_mappings: [
    'image_id text!',
    'device_name text!',
    'snapshot_id text',
    'volume_size integer',
    'volume_type text',
    'encrypted integer',
    'delete_on_termination integer',
    'iops integer',
    'throughput integer',
    'virtual_name text',
    'no_device integer!',
  ],
  snapshots: [
    'snapshot_id text!',
    'account_id text!',
    'region text!',
    'volume_id text',
    'state text',
    'encrypted integer',
    'kms_key_id text',
    'volume_size integer',
    'start_time text',
    'description text',
    'storage_tier text',
    'tags text!',
  ],
  instances: [
    'instance_id text!',
    'account_id text!',
    'region text!',
    'image_id text',
    'state text!',
    'launch_time text',
    'instance_type text',
    'platform text',
    'launch_template_id text',
    'launch_template_version text',
    'tags text!',
  ],
  launch_templates: [
    'launch_template_id text!',
    'account_id text!',
    'region text!',
    'name text!',
    'default_version integer',
    'latest_version integer',
    'create_time text',
    'tags text!',
  ],
  launch_template_versions: [
    'launch_template_id text!',
    'version_number integer!',
    'account_id text!',
    'region text!',
    'image_ref text',
    'image_id text',
    'ssm_parameter text',
    'is_default integer!',
    'is_latest integer!',
    'referenced integer!',
    'create_time text',
  ],
  launch_configurations: [
    'account_id text!',
    'region text!',
    'name text!',
    'image_id text',
    'created_time text',
  ],
  auto_scaling_groups: [
    'account_id text!',
    'region text!',
    'name text!',
    'launch_configuration_name text',
    'min_size integer',
    'max_size integer',
    'desired_capacity integer',
    'created_time text',
    'tags text!',
  ],
  asg_launch_template_refs: [
    'account_id text!',
    'region text!',
    'asg_name text!',
    'position text!',
    'launch_template_id text',
    'launch_template_name text',
    'version text!',
    'resolved_version integer',
    'image_id text',
    'dangling integer!',
  ],
  ssm_parameters: [
    'account_id text!',
    'region text!',
    'name text!',
    'value text',
    'version integer',
    'last_modified text',
  ],
  account_settings: [
    'account_id text!',
    'region text!',
    'image_block_public_access text',
    'image_block_public_access_managed_by text',
    'allowed_images_state text',
    'allowed_images_criteria text!',
  ],
};

const INDEXES: [string, string, string[]][] = [
  ['images_owner_region', 'images', ['owner_id', 'region']],
  ['bdm_snapshot', 'block_device_mappings', ['snapshot_id']],
  ['instances_image', 'instances', ['image_id']],
  ['instances_scope', 'instances', ['account_id', 'region']],
  ['ltv_image', 'launch_template_versions', ['image_id']],
  ['snapshots_scope', 'snapshots', ['account_id', 'region']],
  ['lt_scope', 'launch_templates', ['account_id', 'region']],
];

async function createTable(db: Kysely<unknown>, name: string, cols: string[], keys: readonly string[]) {
  let b = db.schema.createTable(name);
  for (const spec of cols) {
    const [col, rawType] = spec.split(' ') as [string, string];
    const notNull = rawType.endsWith('!');
    const type = rawType.replace('!', '') as 'text' | 'integer' | 'real';
    b = b.addColumn(col, type, (c) => (notNull ? c.notNull() : c));
  }
  await b.addPrimaryKeyConstraint(`${name}_pk`, keys as never[]).execute();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, cols] of Object.entries(TABLES) as [HistoryTable, string[]][])
    await createTable(db, name, [...cols, ...HISTORY], TABLE_KEYS[name]);
  await createTable(
    db,
    'collection_runs',
    [
      'run_id text!',
      'started_at text!',
      'finished_at text',
      'status text!',
      'accounts integer!',
      'scopes_ok integer!',
      'scopes_failed integer!',
      'api_calls integer!',
      'images_seen integer!',
    ],
    ['run_id'],
  );
  await createTable(
    db,
    'collection_scopes',
    [
      'run_id text!',
      'account_id text!',
      'region text!',
      'status text!',
      'error_code text',
      'error_message text',
      'started_at text!',
      'finished_at text',
      'images integer!',
      'instances integer!',
    ],
    ['run_id', 'account_id', 'region'],
  );
  for (const [name, table, cols] of INDEXES)
    await db.schema
      .createIndex(name)
      .on(table)
      .columns(cols as never[])
      .execute();
  await sql.raw(imageUsageViewSql(isPostgres(db))).execute(db);
}

function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/** Days between an ISO text timestamp and now, per dialect. */
function ageDays(pg: boolean, col: string): string {
  return pg
    ? `(extract(epoch from (now() - cast(${col} as timestamptz))) / 86400.0)`
    : `(julianday('now') - julianday(${col}))`;
}

export function imageUsageViewSql(pg: boolean): string {
  const age = (c: string) => `${c} as since, ${ageDays(pg, c)} as age_days`;
  const cross = (acct: string, img: string) =>
    `case when ${img} is not null and exists (select 1 from images im where im.image_id = ${img} and im.owner_id is not null and im.owner_id <> ${acct}) then 1 else 0 end`;
  return `create view image_usage as
select i.image_id, 'instance' as kind, i.instance_id as ref_id, i.account_id, i.region, i.state,
  case when i.state in ('pending','running','stopping','stopped','shutting-down') then 1 else 0 end as in_use,
  ${cross('i.account_id', 'i.image_id')} as cross_account, ${age('i.launch_time')}
from instances i where i.deleted_at is null
union all
select v.image_id, 'launch-template-version', v.launch_template_id || ':' || cast(v.version_number as text),
  v.account_id, v.region,
  case when v.is_default = 1 then 'default' when v.is_latest = 1 then 'latest' when v.referenced = 1 then 'referenced' else 'unnamed-version' end,
  1, ${cross('v.account_id', 'v.image_id')}, ${age('v.create_time')}
from launch_template_versions v where v.deleted_at is null
union all
select c.image_id, 'launch-configuration', c.name, c.account_id, c.region, 'exists', 1,
  ${cross('c.account_id', 'c.image_id')}, ${age('c.created_time')}
from launch_configurations c where c.deleted_at is null
union all
select coalesce(r.image_id, lc.image_id), 'auto-scaling-group', g.name, g.account_id, g.region,
  case when r.dangling = 1 then 'dangling' when coalesce(g.desired_capacity, 0) = 0 then 'zero-capacity' else 'active' end,
  1, ${cross('g.account_id', 'coalesce(r.image_id, lc.image_id)')}, ${age('g.created_time')}
from auto_scaling_groups g
left join asg_launch_template_refs r on r.account_id = g.account_id and r.region = g.region
  and r.asg_name = g.name and r.deleted_at is null
left join launch_configurations lc on lc.account_id = g.account_id and lc.region = g.region
  and lc.name = g.launch_configuration_name and lc.deleted_at is null
where g.deleted_at is null
union all
select p.value, 'ssm-parameter', p.name, p.account_id, p.region, 'current', 1,
  ${cross('p.account_id', 'p.value')}, ${age('p.last_modified')}
from ssm_parameters p where p.deleted_at is null
union all
select lp.image_id, 'other-account', lp.value, lp.value, im.region, 'shared', 0, 1, ${age('lp.first_seen')}
from launch_permissions lp join images im on im.image_id = lp.image_id
where lp.deleted_at is null and lp.kind = 'account'`;
}
