import { api, qs } from '../api.ts';
import { badge, clear, fmtDate, h, table } from '../dom.ts';
import type { Route, Session } from '../main.ts';
import { waiveForm } from './waive-form.ts';
import type { Violation, ViolationState, Waiver } from '../../../src/workflow/model.ts';

/** The fields of the server's violation (and its active waiver) that the dashboard shows. */
export type ViolationRow = Pick<
  Violation,
  'id' | 'policy' | 'group' | 'accountId' | 'region' | 'resourceId' | 'owner' | 'why' | 'state' | 'openedAt'
> & { waiver: Pick<Waiver, 'reason' | 'who' | 'expiresAt'> | null };

// Keyed by the workflow's own states, so a new state cannot go without a colour.
const STATE_KIND: Record<ViolationState, 'ok' | 'warn' | 'bad' | 'muted'> = {
  open: 'warn',
  notified: 'warn',
  escalated: 'bad',
  waived: 'muted',
  resolved: 'ok',
  remediated: 'ok',
};

export function violationRows(list: ViolationRow[], session: Session, refresh: () => void) {
  return list.map((v) => [
    h('a', { href: `#/images/${v.resourceId}` }, v.resourceId),
    v.policy,
    v.group,
    `${v.accountId} ${v.region}`,
    v.owner ?? badge('unroutable', 'bad'),
    v.why,
    badge(v.state, STATE_KIND[v.state] ?? 'muted'),
    fmtDate(v.openedAt),
    v.waiver
      ? `waived by ${v.waiver.who}${v.waiver.expiresAt ? ` until ${fmtDate(v.waiver.expiresAt)}` : ''}: ${v.waiver.reason}`
      : ['open', 'notified', 'escalated'].includes(v.state) && session.role !== 'viewer'
        ? waiveForm(v.id, refresh)
        : '',
  ]);
}

export async function renderViolations(app: HTMLElement, route: Route, session: Session): Promise<void> {
  const state = route.params.get('state');
  const list = await api<ViolationRow[]>(`/api/violations${qs({ state, live: state ? undefined : 'true' })}`);
  const refresh = () => void renderViolations(app, route, session);
  clear(
    app,
    h('h1', {}, 'Violations'),
    h(
      'p',
      { class: 'filters' },
      ['', 'open', 'notified', 'escalated', 'waived', 'resolved', 'remediated'].map((s) =>
        h(
          'a',
          { href: `#/violations${s ? `?state=${s}` : ''}`, class: (state ?? '') === s ? 'active' : '' },
          s || 'live',
        ),
      ),
    ),
    session.role === 'viewer'
      ? h('p', { class: 'muted' }, 'Your token is a viewer: waiving needs an operator token.')
      : null,
    table(
      ['image', 'policy', 'group', 'account / region', 'owner', 'why', 'state', 'opened', 'waiver'],
      violationRows(list, session, refresh),
      { id: 'violations-table' },
    ),
  );
}
