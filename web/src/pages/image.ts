import { api } from '../api.ts';
import { badge, clear, h, table } from '../dom.ts';
import type { Session } from '../main.ts';
import { blastRadius } from './blast-radius.ts';
import { usageSection, verdictBadge } from './image-usage.ts';
import { SUMMARY_COLUMNS, summaryCells } from './scans.ts';
import type { ScanRow } from './scans.ts';
import { violationRows } from './violations.ts';
import type { ViolationRow } from './violations.ts';
import type { UsageReference } from '../../../src/store/queries/image-usage.ts';
import type { UsageExplanation } from '../../../src/server/queries/image-detail.ts';

interface Detail {
  image: Record<string, unknown> & {
    image_id: string;
    name: string | null;
    tags: Record<string, string>;
    age_days: number | null;
  };
  launch_permissions: { kind: string; value: string }[] | 'unknown';
  block_devices: {
    device_name: string;
    snapshot_id: string | null;
    volume_size: number | null;
    encrypted: boolean | null;
    kms_key_id: string | null;
  }[];
  snapshots_shared_with: { snapshot_id: string; image_id: string }[];
  usage: Pick<
    UsageReference,
    'kind' | 'ref_id' | 'account_id' | 'region' | 'state' | 'in_use' | 'age_days'
  >[];
  usage_explanation: UsageExplanation;
  copies: { image_id: string; region: string; state: string; deleted_at: string | null }[];
  scans: Omit<ScanRow, 'image_id' | 'package_count'>[];
  violations: ViolationRow[];
  audit: { time: string; policy: string; action: string; outcome: string; reason: string }[];
}

const FACTS = [
  'account_id',
  'owner_alias',
  'region',
  'state',
  'public',
  'creation_date',
  'age_days',
  'deprecation_time',
  'deregistration_protection',
  'last_launched_time',
  'source_image_id',
  'source_image_region',
  'discovered_via',
  'owner_facts',
  'first_seen',
  'last_seen',
  'deleted_at',
];

export async function renderImage(
  app: HTMLElement,
  id: string,
  session: Session,
  staleDays?: number,
): Promise<void> {
  const query = staleDays === undefined ? '' : `?stale_days=${staleDays}`;
  const d = await api<Detail>(`/api/images/${encodeURIComponent(id)}${query}`);
  clear(
    app,
    h('h1', {}, d.image.image_id, ' ', h('span', { class: 'muted' }, d.image.name ?? '')),
    h('p', {}, verdictBadge(d.usage_explanation), ' ', d.image.public ? badge('public', 'bad') : null),
    h(
      'section',
      { class: 'grid2' },
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Facts'),
        h(
          'dl',
          { class: 'facts' },
          FACTS.filter((k) => d.image[k] !== null && d.image[k] !== undefined).map((k) => [
            h('dt', {}, k.replace(/_/g, ' ')),
            h('dd', {}, String(d.image[k])),
          ]),
        ),
      ),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Tags'),
        table(
          ['key', 'value'],
          Object.entries(d.image.tags).map(([k, v]) => [k, v]),
        ),
        h('h2', {}, 'Launch permissions'),
        d.launch_permissions === 'unknown'
          ? h(
              'p',
              { class: 'muted' },
              'unknown: only the owner account can read them, and it is not collected',
            )
          : table(
              ['kind', 'who'],
              d.launch_permissions.map((p) => [p.kind, p.value]),
            ),
      ),
    ),
    h('section', { class: 'card' }, h('h2', {}, 'Blast radius'), blastRadius(d.image.image_id, d.usage)),
    usageSection(d.usage_explanation, (days) => void renderImage(app, id, session, days)),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Block devices and snapshots'),
      table(
        ['device', 'snapshot', 'size GiB', 'encrypted', 'KMS key'],
        d.block_devices.map((b) => [
          b.device_name,
          b.snapshot_id ?? '',
          b.volume_size ?? '',
          b.encrypted === null ? '—' : b.encrypted ? 'yes' : badge('no', 'warn'),
          b.kms_key_id ?? '',
        ]),
      ),
      d.snapshots_shared_with.length
        ? h(
            'p',
            { class: 'warn' },
            `Snapshots also referenced by: ${d.snapshots_shared_with.map((s) => `${s.image_id} (${s.snapshot_id})`).join(', ')}`,
          )
        : null,
      d.copies.length
        ? h(
            'p',
            {},
            'Copies: ',
            d.copies.map((c) => [h('a', { href: `#/images/${c.image_id}` }, c.image_id), ` (${c.region}) `]),
          )
        : null,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Scans'),
      // The latest scan decides what policies see: an unreadable image is said so first, never shown as clean.
      d.scans[0]?.completeness === 'unscannable'
        ? h(
            'p',
            { class: 'error', id: 'image-unscannable' },
            `Latest scan: unscannable: ${d.scans[0].unscannable_reason ?? 'unknown reason'}`,
          )
        : null,
      table(
        ['scan', ...SUMMARY_COLUMNS],
        d.scans.map((s) => [h('a', { href: `#/scans/${s.scan_id}` }, s.scan_id), ...summaryCells(s)]),
        { id: 'image-scans' },
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Violations'),
      table(
        ['image', 'policy', 'group', 'account / region', 'owner', 'why', 'state', 'opened', 'waiver'],
        violationRows(d.violations, session, () => void renderImage(app, id, session, staleDays)),
        { id: 'image-violations' },
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Audit log'),
      table(
        ['time', 'policy', 'action', 'outcome', 'reason'],
        d.audit.map((a) => [a.time, a.policy, a.action, a.outcome, a.reason]),
      ),
    ),
  );
}
