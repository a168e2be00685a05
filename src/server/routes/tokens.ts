import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ROLES, createToken, listTokens, revokeToken } from '../auth/tokens.ts';
import type { ServerContext } from '../context.ts';

const NewToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
  },
  { additionalProperties: false },
);
const TokenId = Type.Object(
  { id: Type.String({ pattern: '^[0-9a-f]{12}$' }) },
  { additionalProperties: false },
);

export async function tokenRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  app.get(
    '/api/tokens',
    {
      config: { role: 'admin' },
      schema: { summary: 'List API tokens (never their secrets)', tags: ['auth'] },
    },
    async () => listTokens(ctx.tokens),
  );
  app.get(
    '/api/whoami',
    { schema: { summary: 'The name and role of the presented token', tags: ['auth'] } },
    async (req) => req.principal,
  );
  app.post<{ Body: Static<typeof NewToken> }>(
    '/api/tokens',
    {
      config: { role: 'admin' },
      schema: {
        summary: 'Create a token; its secret is shown only in this response',
        tags: ['auth'],
        body: NewToken,
      },
    },
    async (req, reply) =>
      reply.code(201).send(await createToken(ctx.tokens, req.body.name, req.body.role, ctx.now())),
  );
  app.delete<{ Params: Static<typeof TokenId> }>(
    '/api/tokens/:id',
    { config: { role: 'admin' }, schema: { summary: 'Revoke a token', tags: ['auth'], params: TokenId } },
    async (req, reply) => {
      const done = await revokeToken(ctx.tokens, req.params.id, ctx.now());
      return done
        ? reply.code(204).send()
        : reply.code(404).send({ error: 'not-found', message: 'no such active token' });
    },
  );
}
