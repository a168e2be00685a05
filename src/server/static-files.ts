import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * Serves the built dashboard (a single-page app): real files under `root`, and index.html for
 * every other non-API path so client-side routes survive a reload.
 */
export function serveDashboard(app: FastifyInstance, root: string): void {
  const base = normalize(root + sep);
  app.get('/*', { config: { public: true } }, async (req, reply) => {
    const urlPath = decodeURIComponent((req.params as { '*': string })['*'] ?? '');
    if (urlPath.startsWith('api/'))
      return reply.code(404).send({ error: 'not-found', message: 'no such API route' });
    const candidate = normalize(join(base, urlPath));
    const inside = candidate.startsWith(base);
    const file = inside && (await isFile(candidate)) ? candidate : join(base, 'index.html');
    if (!(await isFile(file)))
      return reply
        .code(503)
        .type('text/plain')
        .send('The dashboard is not built: run `npm run build:web` (npm ci does it).');
    const immutable = file.includes(`${sep}assets${sep}`);
    return reply
      .type(TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(await readFile(file));
  });
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile();
  } catch {
    return false;
  }
}
