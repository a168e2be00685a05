import { api } from '../api.ts';
import { clear, h, table } from '../dom.ts';

const SAVED_KEY = 'amiwarden.saved-queries';
const EXAMPLES: [string, string][] = [
  [
    'usage by kind',
    'select kind, state, count(*) as n from image_usage group by kind, state order by n desc',
  ],
  [
    'old images still in use',
    "select i.image_id, i.name, i.creation_date, count(*) as refs from images i join image_usage u on u.image_id = i.image_id and u.in_use = 1 where i.deleted_at is null and i.creation_date < '2026-05-01' group by i.image_id, i.name, i.creation_date order by i.creation_date",
  ],
  [
    'public or shared images',
    'select image_id, kind, value from launch_permissions where deleted_at is null order by image_id',
  ],
  [
    'unencrypted snapshots',
    'select b.image_id, b.snapshot_id from block_device_mappings b where b.encrypted = 0 and b.deleted_at is null',
  ],
];

function saved(): [string, string][] {
  try {
    return JSON.parse(localStorage.getItem(SAVED_KEY) ?? '[]') as [string, string][];
  } catch {
    return [];
  }
}

export async function renderSql(app: HTMLElement): Promise<void> {
  const editor = h(
    'textarea',
    { id: 'sql-editor', rows: 6, cols: 100, spellcheck: false, 'aria-label': 'SQL' },
    EXAMPLES[0]![1],
  ) as HTMLTextAreaElement;
  const out = h('div', { id: 'sql-result' });
  const run = async () => {
    clear(out, h('p', { class: 'loading' }, 'Running…'));
    try {
      const r = await api<{ columns: string[]; rows: unknown[][]; truncated: boolean; row_cap: number }>(
        '/api/sql',
        { method: 'POST', body: { sql: editor.value } },
      );
      clear(
        out,
        h('p', { class: 'muted' }, `${r.rows.length} rows${r.truncated ? ` (capped at ${r.row_cap})` : ''}`),
        table(
          r.columns,
          r.rows.map((row) => row.map((v) => (v === null ? '∅' : String(v)))),
        ),
      );
    } catch (err) {
      clear(out, h('p', { class: 'error' }, err instanceof Error ? err.message : String(err)));
    }
  };
  const list = () =>
    h(
      'ul',
      { class: 'saved' },
      [...EXAMPLES, ...saved()].map(([name, sql]) =>
        h(
          'li',
          {},
          h(
            'a',
            {
              href: '#/sql',
              onclick: (ev: Event) => {
                ev.preventDefault();
                editor.value = sql;
                void run();
              },
            },
            name,
          ),
        ),
      ),
    );
  const savedBox = h('div', {}, list());
  clear(
    app,
    h('h1', {}, 'SQL console'),
    h(
      'p',
      { class: 'muted' },
      'Read-only: one statement, a row cap and a time limit. docs/schema.md lists every table and column.',
    ),
    h(
      'section',
      { class: 'grid-sql' },
      h(
        'div',
        {},
        editor,
        h(
          'div',
          {},
          h('button', { id: 'sql-run', onclick: () => void run() }, 'Run'),
          ' ',
          h(
            'button',
            {
              class: 'link',
              onclick: () => {
                const name = prompt('Name this query');
                if (name) {
                  localStorage.setItem(SAVED_KEY, JSON.stringify([...saved(), [name, editor.value]]));
                  clear(savedBox, list());
                }
              },
            },
            'Save',
          ),
        ),
      ),
      h('div', { class: 'card' }, h('h2', {}, 'Saved queries'), savedBox),
    ),
    out,
  );
}
