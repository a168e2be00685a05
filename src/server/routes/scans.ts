import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { unscannableReason } from '../../scan/store/scan-store.ts';
import type { ScanTables, ScansTable } from '../../scan/store/scan-tables.ts';
import type { ServerContext } from '../context.ts';

const ListQuery = Type.Object(
  {
    image: Type.Optional(Type.String({ maxLength: 64 })),
    completeness: Type.Optional(
      Type.Union(['complete', 'partial', 'failed', 'unscannable'].map((c) => Type.Literal(c))),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  },
  { additionalProperties: false },
);
const Id = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 100 }) },
  { additionalProperties: false },
);

/**
 * A scan row as the API gives it: `unscannable_reason` says why an `unscannable` scan read nothing
 * (null for every other scan), so no client has to dig it out of the gaps or mistake zero counts for clean.
 */
export function scanView<T extends ScansTable>(row: T): T & { unscannable_reason: string | null } {
  return { ...row, unscannable_reason: unscannableReason(row) ?? null };
}

/** Latest scans of one image, newest first: the image page's scan section. */
export async function scansOfImage(db: Kysely<ScanTables>, imageId: string) {
  const rows = await db
    .selectFrom('scans')
    .selectAll()
    .where('image_id', '=', imageId)
    .orderBy('started_at', 'desc')
    .limit(10)
    .execute();
  return rows.map(scanView);
}

export async function scanRoutes(
  app: FastifyInstance,
  ctx: ServerContext & { scans: Kysely<ScanTables> },
): Promise<void> {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/scans',
    {
      schema: {
        summary: 'Stored image scans, newest first (unscannable ones carry unscannable_reason)',
        tags: ['scans'],
        querystring: ListQuery,
      },
    },
    async (req) => {
      let q = ctx.scans.selectFrom('scans').selectAll().orderBy('started_at', 'desc').limit(req.query.limit);
      if (req.query.image) q = q.where('image_id', '=', req.query.image);
      if (req.query.completeness) q = q.where('completeness', '=', req.query.completeness);
      return (await q.execute()).map(scanView);
    },
  );

  app.get<{ Params: Static<typeof Id> }>(
    '/api/scans/:id',
    {
      schema: {
        summary: 'One scan: control verdicts by section, findings, packages',
        tags: ['scans'],
        params: Id,
      },
    },
    async (req, reply) => {
      const scan = await ctx.scans
        .selectFrom('scans')
        .selectAll()
        .where('scan_id', '=', req.params.id)
        .executeTakeFirst();
      if (!scan) return reply.code(404).send({ error: 'not-found', message: `no scan ${req.params.id}` });
      const [controls, findings, packages] = await Promise.all([
        ctx.scans
          .selectFrom('scan_controls')
          .selectAll()
          .where('scan_id', '=', scan.scan_id)
          .orderBy('catalog_id')
          .orderBy('control_id')
          .execute(),
        ctx.scans
          .selectFrom('scan_findings')
          .selectAll()
          .where('scan_id', '=', scan.scan_id)
          .orderBy('seq')
          .execute(),
        ctx.scans
          .selectFrom('scan_packages')
          .selectAll()
          .where('scan_id', '=', scan.scan_id)
          .orderBy('name')
          .execute(),
      ]);
      const sections = new Map<string, Record<string, number>>();
      for (const c of controls) {
        const key = `${c.catalog_id} · ${c.section}`;
        const counts = sections.get(key) ?? {};
        counts[c.status] = (counts[c.status] ?? 0) + 1;
        sections.set(key, counts);
      }
      return {
        scan: { ...scanView(scan), gaps: safeJson(scan.gaps) },
        sections: [...sections.entries()].map(([section, counts]) => ({ section, ...counts })),
        controls,
        findings,
        packages,
      };
    },
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
