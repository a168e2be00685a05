import { sts } from './sts.ts';
import type { ServiceDef } from './types.ts';

/** Services by their SigV4 signing name. */
export const SERVICES: Readonly<Record<string, ServiceDef>> = {
  sts,
};
