import { autoscaling } from './autoscaling.ts';
import { ebs } from './ebs.ts';
import { ec2 } from './ec2/index.ts';
import { kms } from './kms.ts';
import { organizations } from './organizations.ts';
import { ssm } from './ssm.ts';
import { sts } from './sts.ts';
import type { ServiceDef } from './types.ts';

/** Services by their SigV4 signing name. */
export const SERVICES: Readonly<Record<string, ServiceDef>> = {
  autoscaling,
  ebs,
  ec2,
  kms,
  organizations,
  ssm,
  sts,
};
