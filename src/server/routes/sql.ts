import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isAmwError } from '../../errors.ts';
import { jsonRows, runReadOnlySql } from '../../store/read-only-sql/index.ts';
import type { ReadOnlySqlLimits, SqlitePool } from '../../store/read-only-sql/index.ts';
import type { ServerContext } from '../context.ts';

const SqlBody = Type.Object(
  { sql: Type.String({ minLength: 1, maxLength: 20_000 }) },
  { additionalProperties: false },
);

export async function sqlRoutes(
  app: FastifyInstance,
  ctx: ServerContext & { sqlLimits: ReadOnlySqlLimits; sqlPool: SqlitePool },
): Promise<void> {
  app.post<{ Body: Static<typeof SqlBody> }>(
    '/api/sql',
    {
      schema: {
        summary: 'Run one read-only SQL statement (row cap and time limit apply)',
        tags: ['sql'],
        body: SqlBody,
      },
    },
    async (req, reply) => {
      try {
        const result = await runReadOnlySql(ctx.target, req.body.sql, ctx.sqlLimits, { pool: ctx.sqlPool });
        // Integers past 2^53 travel as their decimal digits (JSON numbers would round them).
        return {
          columns: result.columns,
          rows: jsonRows(result.rows),
          truncated: result.truncated,
          row_cap: ctx.sqlLimits.maxRows,
        };
      } catch (err) {
        if (isAmwError(err, 'AMW_QUERY_READ_ONLY'))
          return reply.code(403).send({ error: 'read-only', code: err.code, message: err.message });
        if (isAmwError(err))
          return reply.code(400).send({ error: 'invalid-sql', code: err.code, message: err.message });
        throw err;
      }
    },
  );
}
