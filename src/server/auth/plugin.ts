import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { roleAllows, touchToken, verifyToken } from './tokens.ts';
import type { Principal, Role, TokenTables } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The least role a route needs; routes without one need a viewer token. */
    role?: Role;
    /** Routes outside the API context (health, dashboard files) that need no token. */
    public?: boolean;
  }
}

/**
 * Bearer-token auth for the API context. There is deliberately no cookie auth: a browser
 * cannot be tricked into sending a header it was never given (no CSRF surface).
 */
export async function authPlugin(app: FastifyInstance, opts: { db: Kysely<TokenTables> }): Promise<void> {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (req, reply) => {
    const principal = await principalOf(req, opts.db);
    if (!principal) {
      await reply.code(401).header('www-authenticate', 'Bearer realm="amiwarden"').send({
        error: 'unauthorized',
        message: 'a valid API token is required (Authorization: Bearer amw_...)',
      });
      return reply;
    }
    const needed = req.routeOptions.config.role ?? 'viewer';
    if (!roleAllows(principal.role, needed)) {
      await reply.code(403).send({
        error: 'forbidden',
        message: `this needs the ${needed} role; the token has ${principal.role}`,
      });
      return reply;
    }
    req.principal = principal;
    void touchToken(opts.db, principal.tokenId).catch(() => undefined);
    return undefined;
  });
}

async function principalOf(req: FastifyRequest, db: Kysely<TokenTables>): Promise<Principal | undefined> {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? verifyToken(db, m[1]!) : undefined;
}
