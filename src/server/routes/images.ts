import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_STALE_DAYS, imageDetail } from '../queries/image-detail.ts';
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

const DetailQuery = Type.Object(
  {
    stale_days: Type.Integer({
      minimum: 0,
      maximum: 36500,
      default: DEFAULT_STALE_DAYS,
      description:
        'as `amiwarden usage --stale-days`: older template versions and configurations nothing launched from lately are stale',
    }),
  },
  { additionalProperties: false },
);

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Reference = Type.Object({
  image_id: Type.String(),
  kind: Type.String(),
  ref_id: Type.String(),
  account_id: Type.String(),
  region: Type.String(),
  state: Type.String(),
  in_use: Type.Boolean(),
  cross_account: Type.Boolean(),
  since: Nullable(Type.String()),
  age_days: Nullable(Type.Integer()),
  stale: Type.Boolean(),
  last_launch: Nullable(Type.String()),
});

// Documents the part of the answer `amiwarden usage` shares; the other sections are open-ended
// (stages add their own), so this is for /openapi.json only and never filters the reply.
const DetailDoc = Type.Object({
  usage_explanation: Type.Object({
    collected_at: Nullable(Type.String()),
    run_status: Nullable(Type.String()),
    as_of: Type.String(),
    stale_days: Type.Integer(),
    verdict: Type.Object({
      status: Type.Union([Type.Literal('in-use'), Type.Literal('not-in-use'), Type.Literal('unknown')]),
      references: Type.Integer(),
      accounts: Type.Integer(),
      stale: Type.Integer(),
      text: Type.String(),
    }),
    references: Type.Array(Reference),
    unknown: Type.Array(
      Type.Object({ account_id: Type.String(), region: Nullable(Type.String()), reason: Type.String() }),
    ),
    what_breaks: Type.Array(
      Type.Object({
        kind: Type.String(),
        ref_id: Type.String(),
        account_id: Type.String(),
        region: Type.String(),
        state: Type.String(),
        effect: Type.Union([Type.Literal('breaks'), Type.Literal('at-risk'), Type.Literal('keeps-running')]),
        via: Type.String(),
        consequence: Type.String(),
      }),
    ),
  }),
});

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

  app.get<{ Params: Static<typeof ImageId>; Querystring: Static<typeof DetailQuery> }>(
    '/api/images/:id',
    {
      schema: {
        summary: 'One image: usage graph, sharing, snapshots, copies, scans, violations, audit log',
        description:
          '`usage_explanation` is what `amiwarden usage <id> --what-breaks -f json` says of the image ' +
          '(verdict, references with stale flags, places usage is unknown, what breaks if retired), as of the server clock',
        tags: ['images'],
        params: ImageId,
        querystring: DetailQuery,
        documentedResponse: DetailDoc,
      },
    },
    async (req, reply) => {
      const detail = await imageDetail(ctx.db, req.params.id, ctx.now(), req.query.stale_days);
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
