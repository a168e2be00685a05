import type { FastifyInstance, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifySchema {
    summary?: string;
    description?: string;
    tags?: string[];
    /**
     * The 200 answer's shape for /openapi.json only, for routes whose answer is open-ended (a
     * `response` schema would make Fastify drop every property it does not name).
     */
    documentedResponse?: unknown;
  }
}

interface Operation {
  method: string;
  path: string;
  schema: Record<string, unknown>;
  role: string | null;
}

/**
 * Builds /openapi.json from the routes' own schemas as they register, so the document
 * cannot drift from what the server validates.
 */
export function collectOpenApi(app: FastifyInstance, info: { title: string; version: string }): () => object {
  const ops: Operation[] = [];
  app.addHook('onRoute', (route: RouteOptions) => {
    if (!route.url.startsWith('/api/') || route.method === 'HEAD') return;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      ops.push({
        method: method.toLowerCase(),
        path: route.url.replace(/:(\w+)/g, '{$1}'),
        schema: (route.schema ?? {}) as Record<string, unknown>,
        role: (route.config as { role?: string; public?: boolean } | undefined)?.public
          ? null
          : ((route.config as { role?: string } | undefined)?.role ?? 'viewer'),
      });
    }
  });
  return () => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of ops) {
      const s = op.schema;
      const parameters = [...paramsOf(s.params, 'path'), ...paramsOf(s.querystring, 'query')];
      const responses: Record<string, unknown> = {};
      const documented = s.documentedResponse ? { 200: s.documentedResponse } : { 200: {} };
      for (const [code, body] of Object.entries((s.response as Record<string, unknown>) ?? documented))
        responses[code] = { description: code, content: { 'application/json': { schema: body } } };
      if (op.role) {
        responses['401'] = { description: 'missing or unknown token' };
        responses['403'] = { description: `needs the ${op.role} role` };
      }
      (paths[op.path] ??= {})[op.method] = {
        summary: s.summary,
        description: s.description,
        tags: s.tags,
        parameters,
        ...(s.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: s.body } } } }
          : {}),
        responses,
        security: op.role ? [{ bearer: [] }] : [],
        'x-amiwarden-role': op.role,
      };
    }
    return {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'amiwarden API token (amiwarden token create)',
          },
        },
      },
      paths,
    };
  };
}

function paramsOf(schema: unknown, where: 'path' | 'query') {
  const props = (schema as { properties?: Record<string, unknown>; required?: string[] } | undefined) ?? {};
  return Object.entries(props.properties ?? {}).map(([name, sch]) => ({
    name,
    in: where,
    required: where === 'path' || (props.required ?? []).includes(name),
    schema: sch,
  }));
}
