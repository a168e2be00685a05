import { ApiError, api, setToken, token } from './api.ts';
import { clear, h } from './dom.ts';
import { renderImage } from './pages/image.ts';
import { renderImages } from './pages/images.ts';
import { renderOverview } from './pages/overview.ts';
import { renderScan, renderScans } from './pages/scans.ts';
import { renderSql } from './pages/sql.ts';
import { renderViolations } from './pages/violations.ts';
import './style.css';

export interface Route {
  readonly path: string[];
  readonly params: URLSearchParams;
}

export interface Session {
  name: string;
  role: 'viewer' | 'operator' | 'admin';
}

const app = document.getElementById('app')!;
let session: Session | null = null;

function parseRoute(): Route {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return {
    path: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

function tokenForm(message?: string): HTMLElement {
  const input = h('input', {
    type: 'password',
    name: 'token',
    placeholder: 'amw_…',
    autocomplete: 'off',
    size: 60,
  }) as HTMLInputElement;
  return h(
    'form',
    {
      class: 'card token-form',
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        setToken(input.value);
        void route();
      },
    },
    h('h1', {}, 'Sign in with an API token'),
    message ? h('p', { class: 'error' }, message) : null,
    h(
      'p',
      {},
      'Create one with ',
      h('code', {}, 'amiwarden token create --name you --role operator'),
      '. It stays in this tab only.',
    ),
    input,
    h('button', { type: 'submit' }, 'Use token'),
  );
}

async function ensureSession(): Promise<boolean> {
  if (!token()) {
    clear(app, tokenForm());
    return false;
  }
  if (session) return true;
  try {
    session = await api<Session>('/api/whoami');
    const who = document.getElementById('whoami')!;
    clear(
      who,
      `${session.name} · ${session.role} `,
      h(
        'button',
        {
          class: 'link',
          onclick: () => {
            setToken(null);
            session = null;
            void route();
          },
        },
        'sign out',
      ),
    );
    return true;
  } catch (err) {
    setToken(null);
    clear(
      app,
      tokenForm(err instanceof ApiError && err.status === 401 ? 'That token was not accepted.' : String(err)),
    );
    return false;
  }
}

async function route(): Promise<void> {
  if (!(await ensureSession())) return;
  const r = parseRoute();
  const [page = 'overview', id] = r.path;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a'))
    a.classList.toggle('active', a.dataset.nav === page);
  clear(app, h('p', { class: 'loading' }, 'Loading…'));
  try {
    if (page === 'overview') await renderOverview(app);
    else if (page === 'images' && id) await renderImage(app, id, session!);
    else if (page === 'images') await renderImages(app, r);
    else if (page === 'violations') await renderViolations(app, r, session!);
    else if (page === 'scans' && id) await renderScan(app, id);
    else if (page === 'scans') await renderScans(app);
    else if (page === 'sql') await renderSql(app);
    else clear(app, h('p', { class: 'error' }, `No page ${page}.`));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      session = null;
      setToken(null);
      clear(app, tokenForm('The token is no longer valid.'));
    } else
      clear(
        app,
        h(
          'p',
          { class: 'error' },
          `Could not load this page: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
  }
}

// Links from notifications use plain paths (/images/ami-…); the app routes by hash.
if (location.pathname !== '/' && !location.hash) location.replace(`/#${location.pathname}${location.search}`);

window.addEventListener('hashchange', () => void route());
void route();
