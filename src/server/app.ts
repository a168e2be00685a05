import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Store } from '../store/db.ts';
import { authPlugin } from './auth/plugin.ts';
import type { TokenTables } from './auth/tokens.ts';
import type { ImageSection, ServerContext } from './context.ts';
import { collectOpenApi } from './openapi.ts';
import { imageRoutes } from './routes/images.ts';
import { overviewRoutes } from './routes/overview.ts';
import { sqlRoutes } from './routes/sql.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { auditOfImage, auditRoutes } from './routes/audit.ts';
import { scanRoutes, scansOfImage } from './routes/scans.ts';
import { violationRoutes } from './routes/violations.ts';
import { migratePolicyTables, policyDb } from '../policy/store-audit.ts';
import type { ScanTables } from '../scan/store/scan-tables.ts';
import { workflowStore } from '../workflow/store/open.ts';
import { listViolations } from '../workflow/store/violations.ts';
import { addSecurityHeaders } from './security-headers.ts';
import { API_SQL_LIMITS, SqlitePool } from '../store/read-only-sql/index.ts';
import type { ReadOnlySqlLimits } from '../store/read-only-sql/index.ts';
import { serveDashboard } from './static-files.ts';

export interface ServerOptions {
  readonly store: Store;
  /** The store's file path or URL, opened separately (read-only) by the SQL console. */
  readonly target: string;
  readonly now?: () => Date;
  readonly imageSections?: readonly ImageSection[];
  readonly groupOf?: (accountId: string) => string | null;
  readonly sqlLimits?: ReadOnlySqlLimits;
  /** Directory of the built dashboard; defaults to web/dist in the package. */
  readonly webRoot?: string;
  readonly logger?: boolean;
}

export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 256 * 1024,
    // Unknown query parameters and body fields are errors, not silently dropped.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
  });
  const version = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  const openapi = collectOpenApi(app, { title: 'amiwarden API', version });
  addSecurityHeaders(app);
  app.setErrorHandler((err: Error & { validation?: unknown; statusCode?: number }, _req, reply) => {
    if (err.validation) return reply.code(400).send({ error: 'bad-request', message: err.message });
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: 'bad-request', message: err.message });
    app.log.error(err);
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  // Each stage keeps its own tables in the same database; make sure they exist before serving.
  const workflow = await workflowStore(opts.store);
  const policy = policyDb(opts.store.db);
  await migratePolicyTables(policy);
  const scans = opts.store.db as unknown as Kysely<ScanTables>;
  const ctx: ServerContext = {
    db: opts.store.db,
    tokens: opts.store.db as unknown as Kysely<TokenTables>,
    target: opts.target,
    now: opts.now ?? (() => new Date()),
    imageSections: [
      { name: 'scans', load: (id) => scansOfImage(scans, id) },
      { name: 'violations', load: (id) => listViolations(workflow, { resourceId: id }) },
      { name: 'audit', load: (id) => auditOfImage(policy, id) },
      ...(opts.imageSections ?? []),
    ],
    groupOf: opts.groupOf ?? (() => null),
  };

  app.get(
    '/api/health',
    { config: { public: true }, schema: { summary: 'Liveness; needs no token', tags: ['meta'] } },
    async () => ({
      status: 'ok',
      version,
    }),
  );
  app.get('/openapi.json', async () => openapi());

  // The SQL console's SQLite children live as long as the server: closing it ends them.
  const sqlPool = new SqlitePool();
  app.addHook('onClose', () => sqlPool.close());
  await app.register(async (api) => {
    await authPlugin(api, { db: ctx.tokens });
    await imageRoutes(api, ctx);
    await overviewRoutes(api, ctx);
    await sqlRoutes(api, { ...ctx, sqlLimits: opts.sqlLimits ?? API_SQL_LIMITS, sqlPool });
    await tokenRoutes(api, ctx);
    await violationRoutes(api, { ...ctx, workflow });
    await scanRoutes(api, { ...ctx, scans });
    await auditRoutes(api, { ...ctx, policy });
  });
  serveDashboard(app, opts.webRoot ?? DEFAULT_WEB_ROOT);
  return app;
}
