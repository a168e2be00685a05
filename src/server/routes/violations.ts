import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { isAmwError } from '../../errors.ts';
import { VIOLATION_STATES } from '../../workflow/model.ts';
import type { ViolationState } from '../../workflow/model.ts';
import {
  activeWaiver,
  addWaiver,
  getViolation,
  listViolations,
  transitionsOf,
} from '../../workflow/store/violations.ts';
import type { WorkflowDb } from '../../workflow/store/tables.ts';
import type { ServerContext } from '../context.ts';

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(VIOLATION_STATES.map((s) => Type.Literal(s)))),
    live: Type.Optional(Type.Boolean()),
    policy: Type.Optional(Type.String({ maxLength: 200 })),
    image: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
const Id = Type.Object({ id: Type.String({ pattern: '^v-[0-9a-f]{16}$' }) }, { additionalProperties: false });
const AckBody = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

interface AckTables {
  violation_acks: { violation_id: string; at: string; who: string; note: string | null };
}

async function acksOf(db: Kysely<AckTables>, id: string) {
  return db.selectFrom('violation_acks').selectAll().where('violation_id', '=', id).orderBy('at').execute();
}

const WaiveBody = Type.Object(
  {
    reason: Type.String({ minLength: 3, maxLength: 2000 }),
    expires_at: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);

export async function violationRoutes(
  app: FastifyInstance,
  ctx: ServerContext & { workflow: WorkflowDb },
): Promise<void> {
  const acks = ctx.db as unknown as Kysely<AckTables>;
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/violations',
    {
      schema: {
        summary: 'Violations with their state, owner and active waiver',
        tags: ['violations'],
        querystring: ListQuery,
      },
    },
    async (req) => {
      const q = req.query;
      const list = await listViolations(ctx.workflow, {
        states: q.state ? [q.state as ViolationState] : undefined,
        live: q.live,
        policy: q.policy,
        resourceId: q.image,
      });
      return Promise.all(
        list.map(async (v) => ({ ...v, waiver: (await activeWaiver(ctx.workflow, v.id)) ?? null })),
      );
    },
  );

  app.get(
    '/api/violations/timeline',
    { schema: { summary: 'Live violations per day, from every recorded transition', tags: ['violations'] } },
    async () => {
      const rows = await ctx.workflow
        .selectFrom('violation_transitions')
        .select(['violation_id', 'to_state', 'at'])
        .orderBy('at')
        .execute();
      const live = new Set<string>();
      const perDay = new Map<string, number>();
      for (const r of rows) {
        if (['resolved', 'remediated', 'waived'].includes(r.to_state)) live.delete(r.violation_id);
        else live.add(r.violation_id);
        perDay.set(r.at.slice(0, 10), live.size);
      }
      return [...perDay.entries()].map(([day, open]) => ({ day, open }));
    },
  );

  app.get<{ Params: Static<typeof Id> }>(
    '/api/violations/:id',
    {
      schema: {
        summary: 'One violation with every transition and its waiver',
        tags: ['violations'],
        params: Id,
      },
    },
    async (req, reply) => {
      const v = await getViolation(ctx.workflow, req.params.id);
      if (!v) return reply.code(404).send({ error: 'not-found', message: `no violation ${req.params.id}` });
      return {
        ...v,
        transitions: await transitionsOf(ctx.workflow, v.id),
        waiver: (await activeWaiver(ctx.workflow, v.id)) ?? null,
      };
    },
  );

  app.post<{ Params: Static<typeof Id>; Body: Static<typeof AckBody> }>(
    '/api/violations/:id/acknowledge',
    {
      config: { role: 'operator' },
      schema: {
        summary:
          'Acknowledge a violation: someone has seen it and owns the follow-up; its timers keep running',
        tags: ['violations'],
        params: Id,
        body: AckBody,
      },
    },
    async (req, reply) => {
      const v = await getViolation(ctx.workflow, req.params.id);
      if (!v) return reply.code(404).send({ error: 'not-found', message: `no violation ${req.params.id}` });
      await acks
        .insertInto('violation_acks')
        .values({
          violation_id: v.id,
          at: ctx.now().toISOString(),
          who: `token:${req.principal!.name}`,
          note: req.body.note ?? null,
        })
        .execute();
      return { ...v, acknowledgements: await acksOf(acks, v.id) };
    },
  );

  app.post<{ Params: Static<typeof Id>; Body: Static<typeof WaiveBody> }>(
    '/api/violations/:id/waive',
    {
      config: { role: 'operator' },
      schema: {
        summary: 'Waive a violation (reason, optional expiry); escalation stops until it expires',
        tags: ['violations'],
        params: Id,
        body: WaiveBody,
      },
    },
    async (req, reply) => {
      const v = await getViolation(ctx.workflow, req.params.id);
      if (!v) return reply.code(404).send({ error: 'not-found', message: `no violation ${req.params.id}` });
      const now = ctx.now().toISOString();
      if (req.body.expires_at && Date.parse(req.body.expires_at) <= Date.parse(now))
        return reply.code(400).send({ error: 'bad-request', message: 'expires_at must be in the future' });
      try {
        const updated = await addWaiver(ctx.workflow, v, {
          reason: req.body.reason,
          who: `token:${req.principal!.name}`,
          createdAt: now,
          expiresAt: req.body.expires_at ?? null,
        });
        return { ...updated, waiver: (await activeWaiver(ctx.workflow, v.id)) ?? null };
      } catch (err) {
        if (isAmwError(err, 'AMW_USAGE'))
          return reply.code(409).send({ error: 'conflict', message: err.message });
        throw err;
      }
    },
  );
}
