import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { overview } from '../queries/overview.ts';
import type { ServerContext } from '../context.ts';

const OverviewQuery = Type.Object(
  { old_days: Type.Integer({ minimum: 1, maximum: 3650, default: 180 }) },
  { additionalProperties: false },
);

export async function overviewRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get<{ Querystring: Static<typeof OverviewQuery> }>(
    '/api/overview',
    {
      schema: {
        summary:
          'Images by age bucket per account and group, encryption, public and cross-account shares, old images in use',
        tags: ['overview'],
        querystring: OverviewQuery,
      },
    },
    async (req) => overview(ctx.db, { now: ctx.now(), oldDays: req.query.old_days, groupOf: ctx.groupOf }),
  );

  app.get(
    '/api/accounts',
    {
      schema: {
        summary: 'Collected accounts with their group and per-region collection status',
        tags: ['accounts'],
      },
    },
    async () => {
      const accounts = await ctx.db.selectFrom('accounts').selectAll().orderBy('account_id').execute();
      const regions = await ctx.db
        .selectFrom('regions')
        .selectAll()
        .where('deleted_at', 'is', null)
        .execute();
      const lastRun = await ctx.db
        .selectFrom('collection_runs')
        .select('run_id')
        .orderBy('started_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      const scopes = lastRun
        ? await ctx.db
            .selectFrom('collection_scopes')
            .selectAll()
            .where('run_id', '=', lastRun.run_id)
            .execute()
        : [];
      return accounts.map((a) => ({
        ...a,
        group: ctx.groupOf(a.account_id),
        regions: regions.filter((r) => r.account_id === a.account_id).map((r) => r.region),
        last_collection: scopes.filter((s) => s.account_id === a.account_id),
      }));
    },
  );

  app.get('/api/runs', { schema: { summary: 'Collection runs, newest first', tags: ['runs'] } }, async () =>
    ctx.db.selectFrom('collection_runs').selectAll().orderBy('started_at', 'desc').limit(100).execute(),
  );
}
