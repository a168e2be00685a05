import { api, qs } from '../api.ts';
import { badge, clear, fmtDate, h, table } from '../dom.ts';
import type { Route } from '../main.ts';
import type { ImageListItem, ImageSort } from '../../../src/server/queries/images.ts';

/** The server's own row type: a column it renames or drops fails the dashboard's typecheck. */
type ImageRow = ImageListItem;

const FILTERS = [
  'q',
  'account',
  'region',
  'state',
  'in_use',
  'public',
  'encrypted',
  'min_age_days',
  'include_deleted',
] as const;
const PAGE = 50;

function select(name: string, current: string | null, options: [string, string][]): HTMLElement {
  return h(
    'select',
    { name, 'aria-label': name },
    options.map(([v, label]) => h('option', { value: v, selected: v === (current ?? '') }, label)),
  );
}

export async function renderImages(app: HTMLElement, route: Route): Promise<void> {
  const p = route.params;
  const offset = Number(p.get('offset') ?? 0);
  const sort = p.get('sort') ?? 'creation_date';
  const order = p.get('order') ?? 'desc';
  const query: Record<string, string | number> = { limit: PAGE, offset, sort, order };
  for (const f of FILTERS) if (p.get(f)) query[f] = p.get(f)!;
  const [data, accounts] = await Promise.all([
    api<{ total: number; items: ImageRow[] }>(`/api/images${qs(query)}`),
    api<{ account_id: string; name: string | null; regions: string[] }[]>('/api/accounts'),
  ]);
  const regions = [...new Set(accounts.flatMap((a) => a.regions))].sort();
  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(p);
    for (const [k, v] of Object.entries(changes))
      if (v === null || v === '') next.delete(k);
      else next.set(k, v);
    location.hash = `#/images?${next.toString()}`;
  };
  const form = h(
    'form',
    {
      class: 'filters',
      id: 'image-filters',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const fd = new FormData(ev.target as HTMLFormElement);
        const changes: Record<string, string | null> = { offset: null };
        for (const f of FILTERS) changes[f] = (fd.get(f) as string | null) || null;
        go(changes);
      },
    },
    h('input', { name: 'q', placeholder: 'id or name', value: p.get('q') ?? '', 'aria-label': 'search' }),
    select('account', p.get('account'), [
      ['', 'all accounts'],
      ...accounts.map((a): [string, string] => [
        a.account_id,
        `${a.account_id}${a.name ? ` ${a.name}` : ''}`,
      ]),
    ]),
    select('region', p.get('region'), [['', 'all regions'], ...regions.map((r): [string, string] => [r, r])]),
    select('in_use', p.get('in_use'), [
      ['', 'used or not'],
      ['true', 'in use'],
      ['false', 'unused'],
    ]),
    select('public', p.get('public'), [
      ['', 'any sharing'],
      ['true', 'public'],
      ['false', 'not public'],
    ]),
    select('encrypted', p.get('encrypted'), [
      ['', 'any encryption'],
      ['true', 'encrypted'],
      ['false', 'unencrypted'],
    ]),
    h('input', {
      name: 'min_age_days',
      type: 'number',
      min: 0,
      placeholder: 'min age (days)',
      value: p.get('min_age_days') ?? '',
      'aria-label': 'minimum age in days',
    }),
    h(
      'label',
      {},
      h('input', {
        type: 'checkbox',
        name: 'include_deleted',
        value: 'true',
        checked: p.get('include_deleted') === 'true',
      }),
      ' deregistered',
    ),
    h('button', { type: 'submit' }, 'Filter'),
  );
  const sortHeader = (col: string, label: string) =>
    h(
      'a',
      {
        href: '#',
        class: sort === col ? `sorted ${order}` : '',
        onclick: (ev: Event) => {
          ev.preventDefault();
          go({ sort: col, order: sort === col && order === 'asc' ? 'desc' : 'asc', offset: null });
        },
      },
      label,
    );
  const rows = data.items.map((i) => [
    h('a', { href: `#/images/${i.image_id}` }, i.image_id),
    i.name ?? '',
    i.account_id,
    i.region,
    fmtDate(i.creation_date),
    i.age_days ?? '—',
    i.in_use_refs > 0 ? badge(`${i.in_use_refs} refs`, 'warn') : badge('unused'),
    [
      i.public ? badge('public', 'bad') : null,
      i.encrypted === false ? badge('unencrypted', 'warn') : null,
      i.deleted_at ? badge('deregistered') : null,
    ].filter(Boolean) as HTMLElement[],
  ]);
  const t = table(['image', 'name', 'account', 'region', 'created', 'age', 'usage', 'flags'], rows, {
    id: 'images-table',
  });
  const ths = t.querySelectorAll('th');
  const sortable: [number, ImageSort][] = [
    [0, 'image_id'],
    [1, 'name'],
    [3, 'region'],
    [4, 'creation_date'],
    [6, 'usage'],
  ];
  for (const [i, col] of sortable) clear(ths[i]!, sortHeader(col, ths[i]!.textContent ?? col));
  clear(
    app,
    h('h1', {}, 'Images'),
    form,
    h('p', { class: 'muted', id: 'images-count' }, `${data.total} images`),
    t,
    h(
      'div',
      { class: 'pager' },
      h(
        'button',
        { disabled: offset === 0, onclick: () => go({ offset: String(Math.max(0, offset - PAGE)) }) },
        '‹ previous',
      ),
      ` ${data.total ? offset + 1 : 0}–${Math.min(offset + PAGE, data.total)} of ${data.total} `,
      h(
        'button',
        { disabled: offset + PAGE >= data.total, onclick: () => go({ offset: String(offset + PAGE) }) },
        'next ›',
      ),
    ),
  );
}
