import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { PolicyTables } from '../../policy/store-audit.ts';
import type { ServerContext } from '../context.ts';

const AuditQuery = Type.Object(
  {
    policy: Type.Optional(Type.String({ maxLength: 200 })),
    image: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
  },
  { additionalProperties: false },
);

export async function auditOfImage(db: Kysely<PolicyTables>, imageId: string) {
  return db
    .selectFrom('policy_audit')
    .selectAll()
    .where('resource_id', '=', imageId)
    .orderBy('time', 'desc')
    .limit(100)
    .execute();
}

export async function auditRoutes(
  app: FastifyInstance,
  ctx: ServerContext & { policy: Kysely<PolicyTables> },
): Promise<void> {
  app.get(
    '/api/policies',
    {
      schema: {
        summary: 'Policies seen in runs: last run, actions taken, skipped and failed',
        tags: ['policies'],
      },
    },
    async () => {
      const rows = await ctx.policy
        .selectFrom('policy_audit')
        .select([
          'policy',
          'outcome',
          (eb) => eb.fn.countAll<number>().as('n'),
          (eb) => eb.fn.max('time').as('last'),
        ])
        .groupBy(['policy', 'outcome'])
        .execute();
      const byPolicy = new Map<
        string,
        { policy: string; last_run: string; outcomes: Record<string, number> }
      >();
      for (const r of rows) {
        const p = byPolicy.get(r.policy) ?? { policy: r.policy, last_run: String(r.last), outcomes: {} };
        p.outcomes[r.outcome] = Number(r.n);
        if (String(r.last) > p.last_run) p.last_run = String(r.last);
        byPolicy.set(r.policy, p);
      }
      return [...byPolicy.values()].sort((a, b) => a.policy.localeCompare(b.policy));
    },
  );
  app.get<{ Querystring: Static<typeof AuditQuery> }>(
    '/api/audit',
    {
      schema: {
        summary: 'Audit log: every action taken, skipped or failed, newest first',
        tags: ['policies'],
        querystring: AuditQuery,
      },
    },
    async (req) => {
      let q = ctx.policy
        .selectFrom('policy_audit')
        .selectAll()
        .orderBy('time', 'desc')
        .limit(req.query.limit);
      if (req.query.policy) q = q.where('policy', '=', req.query.policy);
      if (req.query.image) q = q.where('resource_id', '=', req.query.image);
      return q.execute();
    },
  );
}
