import type { EstateState } from '../state/estate.ts';
import type { Caller } from '../state/types.ts';
import type { QueryParams } from '../protocol/params.ts';
import type { ListingCache } from '../protocol/paging.ts';
import type { XmlObject } from '../protocol/xml.ts';

export interface Ctx {
  state: EstateState;
  caller: Caller;
  /** Form parameters (EC2, awsQuery); empty for JSON services. */
  params: QueryParams;
  /** The JSON body (JSON 1.1 services); empty for query services. */
  json: Record<string, unknown>;
  cache: ListingCache;
  /** The estate clock, epoch ms. */
  now: number;
}

export type QueryHandler = (ctx: Ctx) => XmlObject;
export type JsonHandler = (ctx: Ctx) => Record<string, unknown>;

export interface RestRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export interface RestReply {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
  contentType: string;
}

export interface RestRoute {
  action: string;
  handle: (ctx: Ctx, req: RestRequest, params: string[]) => RestReply;
}

export type ServiceDef =
  | { name: string; protocol: 'ec2'; handlers: Record<string, QueryHandler>; mutating: ReadonlySet<string> }
  | {
      name: string;
      protocol: 'query';
      xmlns: string;
      handlers: Record<string, QueryHandler>;
      regionless?: boolean;
    }
  | {
      name: string;
      protocol: 'json';
      targetPrefix: string;
      handlers: Record<string, JsonHandler>;
      regionless?: boolean;
    }
  | {
      name: string;
      protocol: 'rest';
      route: (req: RestRequest) => { route: RestRoute; params: string[] } | undefined;
      regionless?: boolean;
    };
