// Global test services, started once per `npm test` run in this order. Each returns
// { env, describe, teardown } or { skip: reason }.
import { setup as debootstrap } from './debootstrap.mjs';
import { setup as postgres } from './postgres.mjs';

export const SETUPS = [
  ['pg', postgres],
  ['debian', debootstrap],
];
