import { badge, h, table } from '../dom.ts';
import type { UsageExplanation } from '../../../src/server/queries/image-detail.ts';
import type { UsageVerdict } from '../../../src/store/queries/usage-explain.ts';

/**
 * The image page's usage section: the same explanation `amiwarden usage --what-breaks` prints
 * (the API computes it with the same modules), so the page and the CLI cannot disagree.
 */
const VERDICT_BADGE: Record<UsageVerdict['status'], [string, 'ok' | 'warn' | 'bad']> = {
  'in-use': ['in use', 'warn'],
  'not-in-use': ['not in use', 'ok'],
  // Unknown is the answer to distrust most: retiring the image could break what nobody collected.
  unknown: ['unknown', 'bad'],
};

const EFFECT_BADGE: Record<UsageExplanation['what_breaks'][number]['effect'], 'warn' | 'bad' | 'muted'> = {
  breaks: 'bad',
  'at-risk': 'warn',
  'keeps-running': 'muted',
};

const where = (account: string, region: string | null) => (region ? `${account} ${region}` : account);

export function verdictBadge(u: UsageExplanation): HTMLElement {
  const [label, kind] = VERDICT_BADGE[u.verdict.status];
  return badge(label, kind);
}

function verdictLine(u: UsageExplanation): HTMLElement {
  return h('p', { class: 'verdict', id: 'usage-verdict' }, verdictBadge(u), ' ', u.verdict.text);
}

/** Re-asks the API with another stale threshold, like `amiwarden usage --stale-days`. */
function staleForm(days: number, onStaleDays: (days: number) => void): HTMLElement {
  const input = h('input', {
    name: 'stale_days',
    type: 'number',
    min: 0,
    max: 36500,
    step: 1,
    required: true,
    value: days,
    'aria-label': 'stale after days',
  }) as HTMLInputElement;
  return h(
    'form',
    {
      class: 'filters',
      id: 'stale-days-form',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        onStaleDays(Number(input.value));
      },
    },
    'stale after',
    input,
    'days',
    h('button', { type: 'submit' }, 'Apply'),
  );
}

export function usageSection(u: UsageExplanation, onStaleDays: (days: number) => void): HTMLElement[] {
  const asOf = u.collected_at ? `collected at ${u.collected_at}` : 'never collected';
  return [
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Usage'),
      verdictLine(u),
      h(
        'p',
        { class: 'muted' },
        `${asOf}${u.run_status && u.run_status !== 'ok' ? ` (run ${u.run_status})` : ''}; `,
        `a template version or launch configuration older than ${u.stale_days} days that launched nothing since is stale`,
      ),
      staleForm(u.stale_days, onStaleDays),
      u.unknown.length
        ? h(
            'div',
            { class: 'notice warn', id: 'usage-unknown', role: 'alert' },
            h(
              'strong',
              {},
              `Usage is unknown in ${u.unknown.length} place${u.unknown.length === 1 ? '' : 's'}:`,
            ),
            h(
              'ul',
              {},
              u.unknown.map((x) => h('li', {}, h('code', {}, where(x.account_id, x.region)), ': ', x.reason)),
            ),
          )
        : null,
      table(
        ['kind', 'reference', 'account', 'region', 'state', 'counts as use', 'age (days)', 'last launch'],
        u.references.map((r) => [
          r.kind,
          r.stale ? [r.ref_id, ' ', badge('stale', 'warn')] : r.ref_id,
          r.account_id,
          r.region,
          r.state,
          r.in_use ? 'yes' : 'no',
          r.age_days ?? '—',
          r.last_launch ?? '',
        ]),
        { id: 'usage-table' },
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'What breaks if retired'),
      h(
        'p',
        { class: 'muted' },
        'Deregistering or disabling the image now stops every new launch of it; per in-use reference:',
      ),
      table(
        ['account', 'region', 'kind', 'reference', 'effect', 'via', 'consequence'],
        u.what_breaks.map((b) => [
          b.account_id,
          b.region,
          b.kind,
          b.ref_id,
          badge(b.effect, EFFECT_BADGE[b.effect]),
          b.via,
          b.consequence,
        ]),
        { id: 'what-breaks' },
      ),
    ),
  ];
}
