import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import { authError, unknownKeyError } from './auth/errors.ts';
import { parseAuthorization } from './auth/sigv4.ts';
import type { ParsedAuthorization } from './auth/sigv4.ts';
import { verifyRequest } from './auth/verify.ts';
import type { FaultDecision, FaultInjector } from './faults.ts';
import { ApiError, withReason } from './protocol/errors.ts';
import { ListingCache } from './protocol/paging.ts';
import { QueryParams } from './protocol/params.ts';
import { body, escapeXml } from './protocol/xml.ts';
import type { XmlObject } from './protocol/xml.ts';
import { SERVICES } from './services/index.ts';
import type { Ctx, ServiceDef } from './services/types.ts';
import type { EstateState } from './state/estate.ts';
import type { Caller } from './state/types.ts';

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export interface SimServer {
  server: Server;
  counts: Map<string, number>;
}

/**
 * One loopback endpoint for every service: the SigV4 credential scope says which service, which
 * region and (through the access key) which account a request acts as. Every request's signature
 * is verified against the secret the estate holds for its access key (auth/verify.ts).
 */
export function createSimServer(state: EstateState, faults: FaultInjector): SimServer {
  const counts = new Map<string, number>();
  const cache = new ListingCache();
  let requestNo = 0;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestId = `${(++requestNo).toString(16).padStart(8, '0')}-5a1e-4d0c-8e57-a0b1c2d3e4f5`;
      const reply = handle(req, Buffer.concat(chunks), requestId);
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(reply.status, {
          'content-type': reply.contentType,
          'x-amzn-RequestId': requestId,
          ...reply.headers,
        });
        res.end(reply.body);
      };
      if (faults.latencyMs > 0) setTimeout(send, faults.latencyMs);
      else send();
    });
  });

  interface Reply {
    status: number;
    contentType: string;
    body: string | Buffer;
    headers?: Record<string, string>;
  }

  function handle(req: IncomingMessage, rawBody: Buffer, requestId: string): Reply {
    const raw = rawBody.toString('utf8');
    const authHeader = header(req, 'authorization');
    const sig = authHeader === undefined ? undefined : parseAuthorization(authHeader);
    const scope = typeof sig === 'object' ? sig.scope : undefined;
    const target = header(req, 'x-amz-target');
    const service = SERVICES[scope?.service ?? guessService(req.url ?? '/', raw, target)];
    if (!service) {
      return {
        status: 400,
        contentType: 'text/plain',
        body: `The estate simulator does not serve "${scope?.service}".`,
      };
    }
    const params = new QueryParams(service.protocol === 'json' || service.protocol === 'rest' ? '' : raw);
    let json: Record<string, unknown> = {};
    let action: string;
    const url = new URL(req.url ?? '/', 'http://sim');
    const restReq = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams };
    const rest = service.protocol === 'rest' ? service.route(restReq) : undefined;
    if (service.protocol === 'rest') {
      action = rest?.route.action ?? `${restReq.method} ${restReq.path}`;
    } else if (service.protocol === 'json') {
      action = target?.startsWith(`${service.targetPrefix}.`)
        ? target.slice(service.targetPrefix.length + 1)
        : (target ?? '');
    } else {
      action = params.str('Action') ?? '';
    }
    const fail = (err: ApiError) => errorReply(service, err, requestId);
    try {
      counts.set(`${service.name}:${action}`, (counts.get(`${service.name}:${action}`) ?? 0) + 1);
      const caller = authenticate(service, req, rawBody, sig);
      const ctype = header(req, 'content-type') ?? '';
      const formProtocol = service.protocol === 'ec2' || service.protocol === 'query';
      if (formProtocol && !ctype.startsWith('application/x-www-form-urlencoded'))
        throw new ApiError(
          'InvalidRequest',
          `${service.name} speaks the query protocol (form bodies), not ${ctype}`,
        );
      if (service.protocol === 'json') {
        try {
          json = raw === '' ? {} : (JSON.parse(raw) as Record<string, unknown>);
        } catch {
          throw new ApiError('SerializationException', 'Start of structure or map found where not expected.');
        }
      }
      const fault = faults.decide(service.name, action, caller.accountId, caller.region);
      if (fault) throw faultError(service, fault);
      const ctx: Ctx = { state, caller, params, json, cache, now: state.now() };
      if (service.protocol === 'rest') {
        if (!rest) throw unknownAction(service, action);
        return rest.route.handle(ctx, restReq, rest.params);
      }
      const handler = service.handlers[action];
      if (!handler) throw unknownAction(service, action);
      if (service.protocol === 'ec2' && params.bool('DryRun') === true)
        throw new ApiError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
      if (service.protocol === 'json') {
        const out = (handler as (c: Ctx) => Record<string, unknown>)(ctx);
        return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(out) };
      }
      const out = (handler as (c: Ctx) => XmlObject)(ctx);
      if (service.protocol === 'ec2') {
        const xml = `<${action}Response xmlns="${EC2_XMLNS}"><requestId>${requestId}</requestId>${body(out, 'item')}</${action}Response>`;
        return xmlReply(200, xml);
      }
      const xml =
        `<${action}Response xmlns="${service.xmlns}"><${action}Result>${body(out, 'member')}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
      return xmlReply(200, xml);
    } catch (err) {
      if (err instanceof ApiError) return fail(err);
      return fail(
        new ApiError(
          service.protocol === 'ec2' ? 'InternalError' : 'InternalFailure',
          `simulator bug: ${String((err as Error).stack ?? err)}`,
          500,
        ),
      );
    }
  }

  function authenticate(
    service: ServiceDef,
    req: IncomingMessage,
    body: Buffer,
    sig: ParsedAuthorization | string | undefined,
  ): Caller {
    const verdict = verifyRequest(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
      sig,
      (id) => state.keys.get(id),
      Date.now(),
    );
    if (!verdict.ok) throw authError(service.protocol, verdict.kind, verdict.message);
    const { entry, scope: auth } = verdict;
    const bad = () => unknownKeyError(service.protocol);
    const regionless = service.protocol !== 'ec2' && service.regionless === true;
    // STS always answers on its global endpoint's region.
    const stsGlobal = service.name === 'sts' && auth.region === 'us-east-1';
    if (!regionless && !stsGlobal && !state.regions.includes(auth.region)) {
      if (service.name === 'sts')
        throw new ApiError(
          'RegionDisabledException',
          `STS is not activated in this region for account:${entry.accountId}. Your account administrator can activate STS in this region using the IAM Console.`,
          403,
        );
      // A region the account has not enabled answers as if the keys were unknown there.
      throw bad();
    }
    return {
      accountId: entry.accountId,
      region: auth.region,
      accessKeyId: verdict.accessKeyId,
      role: entry.role,
    };
  }

  return { server, counts };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Which service an unsigned or badly signed request meant, so its error comes in that service's shape. */
function guessService(url: string, raw: string, target: string | undefined): string {
  if (target?.startsWith('AmazonSSM.')) return 'ssm';
  if (target?.startsWith('AWSOrganizations')) return 'organizations';
  if (target?.startsWith('TrentService.')) return 'kms';
  if (url.startsWith('/snapshots/')) return 'ebs';
  const version = new URLSearchParams(raw).get('Version');
  return version === '2011-01-01' ? 'autoscaling' : version === '2011-06-15' ? 'sts' : 'ec2';
}

function xmlReply(status: number, xml: string): { status: number; contentType: string; body: string } {
  return {
    status,
    contentType: 'text/xml;charset=UTF-8',
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${xml}`,
  };
}

function errorReply(service: ServiceDef, err: ApiError, requestId: string) {
  if (service.protocol === 'ec2') {
    return xmlReply(
      err.status,
      `<Response><Errors><Error><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error></Errors><RequestID>${requestId}</RequestID></Response>`,
    );
  }
  if (service.protocol === 'query') {
    return xmlReply(
      err.status,
      `<ErrorResponse xmlns="${service.xmlns}"><Error><Type>${err.type}</Type><Code>${escapeXml(err.code)}</Code><Message>${escapeXml(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
  if (service.protocol === 'rest') {
    return {
      status: err.status,
      contentType: 'application/json',
      headers: { 'x-amzn-ErrorType': err.code },
      body: JSON.stringify({ Message: err.message, Reason: err.reason }),
    };
  }
  return {
    status: err.status,
    contentType: 'application/x-amz-json-1.1',
    headers: { 'x-amzn-ErrorType': err.code },
    body: JSON.stringify({ __type: err.code, message: err.message, Message: err.message }),
  };
}

function unknownAction(service: ServiceDef, action: string): ApiError {
  if (service.protocol === 'rest')
    return new ApiError('ResourceNotFoundException', `No route for ${action}`, 404);
  if (service.protocol === 'json')
    return new ApiError('UnknownOperationException', `Unknown operation ${action}`);
  return new ApiError('InvalidAction', `The action ${action} is not valid for this web service.`);
}

function faultError(service: ServiceDef, f: FaultDecision): ApiError {
  const p = service.protocol;
  if (f.kind === 'throttle') {
    if (p === 'ec2') return new ApiError('RequestLimitExceeded', 'Request limit exceeded.', 503);
    if (p === 'query') return new ApiError('Throttling', 'Rate exceeded', 400);
    if (p === 'rest')
      return withReason(new ApiError('RequestThrottledException', 'Rate exceeded', 400), 'ACCOUNT_THROTTLED');
    return new ApiError(
      service.name === 'organizations' ? 'TooManyRequestsException' : 'ThrottlingException',
      'Rate exceeded',
      400,
    );
  }
  const outage = f.kind === 'fail' ? ` (simulated outage: ${f.reason})` : '';
  const unavailable = f.kind === 'server-error' && f.variant === 1;
  if (p === 'ec2')
    return unavailable
      ? new ApiError('Unavailable', "The server is overloaded and can't handle the request.", 503)
      : new ApiError('InternalError', `An internal error has occurred${outage}`, 500);
  if (p === 'query')
    return unavailable
      ? new ApiError('ServiceUnavailable', 'Service is unavailable.', 503)
      : new ApiError(
          'InternalFailure',
          `The request processing has failed because of an unknown error${outage}`,
          500,
        );
  if (p === 'rest')
    return new ApiError('InternalServerException', `An internal error has occurred${outage}`, 500);
  return unavailable
    ? new ApiError('ServiceUnavailableException', 'Service is unavailable.', 503)
    : new ApiError(
        service.name === 'organizations' ? 'ServiceException' : 'InternalServerError',
        `An internal error has occurred${outage}`,
        500,
      );
}
