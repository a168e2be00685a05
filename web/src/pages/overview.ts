import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { api } from '../api.ts';
import { clear, fmtDate, h, table } from '../dom.ts';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  LinearScale,
  DoughnutController,
  ArcElement,
  LineController,
  LineElement,
  PointElement,
  Legend,
  Tooltip,
);

interface AccountRow {
  account_id: string;
  name: string | null;
  group: string | null;
  images: number;
  by_age: Record<string, number>;
}
interface Overview {
  totals: Record<string, number>;
  accounts: AccountRow[];
  old_days: number;
  last_collection: { run_id: string; started_at: string; status: string } | null;
}
interface ImageRow {
  image_id: string;
  name: string | null;
  account_id: string;
  region: string;
  age_days: number | null;
  in_use_refs: number;
}

const BUCKETS = ['0-30', '31-90', '91-180', '181-365', '365+'];
const COLORS = ['#2f855a', '#68d391', '#ecc94b', '#ed8936', '#c53030'];

function kpi(label: string, value: number | string, hint?: string, kind = ''): HTMLElement {
  return h(
    'div',
    { class: `kpi ${kind}`, 'data-kpi': label },
    h('div', { class: 'kpi-value' }, String(value)),
    h('div', { class: 'kpi-label' }, label),
    hint ? h('div', { class: 'kpi-hint' }, hint) : null,
  );
}

export async function renderOverview(app: HTMLElement): Promise<void> {
  const [ov, old, timeline] = await Promise.all([
    api<Overview>('/api/overview'),
    api<{ items: ImageRow[]; total: number }>(
      '/api/images?in_use=true&min_age_days=180&sort=creation_date&order=asc&limit=10',
    ),
    api<{ day: string; open: number }[]>('/api/violations/timeline'),
  ]);
  const t = ov.totals;
  const encShare =
    t.encrypted! + t.unencrypted! > 0
      ? Math.round((100 * t.encrypted!) / (t.encrypted! + t.unencrypted!))
      : 0;
  const byAge = h('canvas', { id: 'chart-age', 'aria-label': 'images by age bucket per account group' });
  const enc = h('canvas', { id: 'chart-encryption', 'aria-label': 'encrypted share' });
  const viol = h('canvas', { id: 'chart-violations', 'aria-label': 'open violations over time' });
  clear(
    app,
    h('h1', {}, 'Overview'),
    h(
      'p',
      { class: 'muted' },
      ov.last_collection
        ? `Last collection ${ov.last_collection.started_at} (${ov.last_collection.status})`
        : 'No collection yet: run amiwarden collect.',
    ),
    h(
      'section',
      { class: 'kpis' },
      kpi('images', t.images!),
      kpi('encrypted', `${encShare}%`, `${t.unencrypted} unencrypted`, encShare < 100 ? 'warn' : ''),
      kpi('public', t.public!, 'shared with everyone', t.public! > 0 ? 'bad' : ''),
      kpi('cross-account', t.cross_account_shared!, 'shared with accounts, orgs or OUs'),
      kpi(
        `old in use`,
        t.old_in_use!,
        `older than ${ov.old_days} days, still running`,
        t.old_in_use! > 0 ? 'warn' : '',
      ),
      kpi('unused', t.unused!),
    ),
    h(
      'section',
      { class: 'charts' },
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Images by age, per account group'),
        h('div', { class: 'chart' }, byAge),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'Encryption'), h('div', { class: 'chart' }, enc)),
      h(
        'div',
        { class: 'card' },
        h('h2', {}, 'Open violations'),
        timeline.length
          ? h('div', { class: 'chart' }, viol)
          : h('p', { class: 'muted' }, 'No violations recorded yet.'),
      ),
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, `Oldest images still in use, any owner (${old.total})`),
      table(
        ['image', 'name', 'account', 'region', 'age (days)', 'references'],
        old.items.map((i) => [
          h('a', { href: `#/images/${i.image_id}` }, i.image_id),
          i.name ?? '',
          i.account_id,
          i.region,
          i.age_days ?? '—',
          i.in_use_refs,
        ]),
        { id: 'old-in-use' },
      ),
    ),
  );
  const groups = new Map<string, Record<string, number>>();
  for (const a of ov.accounts) {
    const key = a.group ?? `${a.account_id}${a.name ? ` (${a.name})` : ''}`;
    const g = groups.get(key) ?? Object.fromEntries(BUCKETS.map((b) => [b, 0]));
    for (const b of BUCKETS) g[b] = (g[b] ?? 0) + (a.by_age[b] ?? 0);
    groups.set(key, g);
  }
  new Chart(byAge as HTMLCanvasElement, {
    type: 'bar',
    data: {
      labels: [...groups.keys()],
      datasets: BUCKETS.map((b, i) => ({
        label: `${b} days`,
        data: [...groups.values()].map((g) => g[b] ?? 0),
        backgroundColor: COLORS[i],
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
    },
  });
  new Chart(enc as HTMLCanvasElement, {
    type: 'doughnut',
    data: {
      labels: ['encrypted', 'unencrypted'],
      datasets: [{ data: [t.encrypted!, t.unencrypted!], backgroundColor: ['#2f855a', '#c53030'] }],
    },
    options: { responsive: true, maintainAspectRatio: false, animation: false },
  });
  if (timeline.length)
    new Chart(viol as HTMLCanvasElement, {
      type: 'line',
      data: {
        labels: timeline.map((d) => fmtDate(d.day)),
        datasets: [{ label: 'open', data: timeline.map((d) => d.open), borderColor: '#c53030' }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true } },
      },
    });
}
