import type { Kysely, Migration } from 'kysely';
import { migrateLedger } from '../../store/ledger.ts';

// Same column-spec style as the store's own migrations: `name type`, `!` for NOT NULL, and
// only text/integer so both dialects agree. Times are ISO-8601 UTC text.
const TABLES: [string, string[], string[]][] = [
  [
    'violations',
    [
      'id text!',
      'policy text!',
      'group_name text!',
      'account_id text!',
      'region text!',
      'resource_id text!',
      'owner text',
      'why text!',
      'action text',
      'state text!',
      'state_before_waiver text',
      'cycle integer!',
      'opened_at text!',
      'updated_at text!',
      'last_seen_at text!',
      'closed_at text',
      'details text!',
    ],
    ['id'],
  ],
  [
    'violation_transitions',
    [
      'violation_id text!',
      'seq integer!',
      'from_state text',
      'to_state text!',
      'at text!',
      'reason text!',
      'actor text!',
    ],
    ['violation_id', 'seq'],
  ],
  [
    'violation_waivers',
    [
      'violation_id text!',
      'created_at text!',
      'reason text!',
      'who text!',
      'expires_at text',
      'ended_at text',
    ],
    ['violation_id', 'created_at'],
  ],
  [
    'workflow_steps',
    [
      'violation_id text!',
      'cycle integer!',
      'step_id text!',
      'status text!',
      'outcome text',
      'detail text',
      'updated_at text!',
    ],
    ['violation_id', 'cycle', 'step_id'],
  ],
  [
    'workflow_step_targets',
    [
      'violation_id text!',
      'cycle integer!',
      'step_id text!',
      'target text!',
      'attempts integer!',
      'delivered_at text',
      'delivery_key text',
      'next_attempt_at text',
      'last_error text',
    ],
    ['violation_id', 'cycle', 'step_id', 'target'],
  ],
  [
    'workflow_deliveries',
    [
      'idempotency_key text!',
      'kind text!',
      'target text!',
      'items integer!',
      'status text!',
      'attempts integer!',
      'first_attempt_at text!',
      'last_attempt_at text!',
      'delivered_at text',
      'last_error text',
    ],
    ['idempotency_key'],
  ],
  [
    'workflow_tickets',
    [
      'violation_id text!',
      'cycle integer!',
      'issue_key text!',
      'label text!',
      'opened_at text!',
      'closed_at text',
    ],
    ['violation_id', 'cycle'],
  ],
  [
    'workflow_ticks',
    [
      'tick_id text!',
      'now text!',
      'started_at text!',
      'finished_at text',
      'opened integer!',
      'resolved integer!',
      'sent integer!',
      'failed integer!',
      'remediated integer!',
    ],
    ['tick_id'],
  ],
  ['workflow_lock', ['name text!', 'holder text!', 'until text!'], ['name']],
];

const initial: Migration = {
  async up(db: Kysely<unknown>) {
    for (const [name, cols, keys] of TABLES) {
      let b = db.schema.createTable(name);
      for (const spec of cols) {
        const [col, rawType] = spec.split(' ') as [string, string];
        const type = rawType.replace('!', '') as 'text' | 'integer';
        b = b.addColumn(col, type, (c) => (rawType.endsWith('!') ? c.notNull() : c));
      }
      await b.addPrimaryKeyConstraint(`${name}_pk`, keys as never[]).execute();
    }
    await db.schema
      .createIndex('violations_policy_group')
      .on('violations')
      .columns(['policy', 'group_name'])
      .execute();
    await db.schema.createIndex('violations_state').on('violations').column('state').execute();
  },
  async down(db: Kysely<unknown>) {
    for (const [name] of [...TABLES].reverse()) await db.schema.dropTable(name).execute();
  },
};

export const WORKFLOW_MIGRATIONS: Record<string, Migration> = {
  '20261123T2300-workflow-initial': initial,
};

/**
 * The workflow tables have their own migration history (table `amw_workflow_migrations`),
 * so they can be added to a store without touching the asset store's migration list.
 */
export async function migrateWorkflow(db: Kysely<unknown>): Promise<void> {
  await migrateLedger(db, WORKFLOW_MIGRATIONS, 'amw_workflow_migrations', 'workflow migration');
}
