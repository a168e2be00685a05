// Global test services, started once per `npm test` run in this order. Each returns
// { env, describe, teardown } or { skip: reason }.
import { setup as postgres } from './postgres.mjs';

export const SETUPS = [['pg', postgres]];
