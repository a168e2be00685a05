import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { imageDetail } from '../queries/image-detail.ts';
import { IMAGE_SORTS, listImages } from '../queries/images.ts';
import type { ServerContext } from '../context.ts';

const ListQuery = Type.Object(
  {
    account: Type.Optional(Type.String({ pattern: '^\\d{12}$' })),
    region: Type.Optional(Type.String({ maxLength: 32 })),
    state: Type.Optional(Type.String({ maxLength: 32 })),
    q: Type.Optional(Type.String({ maxLength: 200 })),
    public: Type.Optional(Type.Boolean()),
    in_use: Type.Optional(Type.Boolean()),
    encrypted: Type.Optional(Type.Boolean()),
    include_deleted: Type.Optional(Type.Boolean()),
    min_age_days: Type.Optional(Type.Integer({ minimum: 0 })),
    max_age_days: Type.Optional(Type.Integer({ minimum: 0 })),
    sort: Type.Optional(Type.Union(IMAGE_SORTS.map((s) => Type.Literal(s)))),
    order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    offset: Type.Integer({ minimum: 0, default: 0 }),
  },
  { additionalProperties: false },
);

const ImageId = Type.Object(
  { id: Type.String({ pattern: '^ami-[0-9a-f]{8,17}$' }) },
  { additionalProperties: false },
);

export async function imageRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/images',
    {
      schema: {
        summary: 'List images with filters, sorting and paging',
        tags: ['images'],
        querystring: ListQuery,
      },
    },
    async (req) => {
      const q = req.query;
      return listImages(
        ctx.db,
        {
          account: q.account,
          region: q.region,
          state: q.state,
          q: q.q,
          public: q.public,
          inUse: q.in_use,
          encrypted: q.encrypted,
          includeDeleted: q.include_deleted,
          minAgeDays: q.min_age_days,
          maxAgeDays: q.max_age_days,
          sort: q.sort,
          order: q.order,
          limit: q.limit,
          offset: q.offset,
        },
        ctx.now(),
      );
    },
  );

  app.get<{ Params: Static<typeof ImageId> }>(
    '/api/images/:id',
    {
      schema: {
        summary: 'One image: usage graph, sharing, snapshots, copies, scans, violations, audit log',
        tags: ['images'],
        params: ImageId,
      },
    },
    async (req, reply) => {
      const detail = await imageDetail(ctx.db, req.params.id, ctx.now());
      if (!detail)
        return reply
          .code(404)
          .send({ error: 'not-found', message: `no image ${req.params.id} in the store` });
      const extras = await Promise.all(
        ctx.imageSections.map(async (s) => [s.name, await s.load(req.params.id)] as const),
      );
      return { ...detail, ...Object.fromEntries(extras) };
    },
  );
}
