import '../aws/sdk-node-warning.ts';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import { credentialsOf } from './index.ts';
import type { RunningSimulator, SimCredentials } from './index.ts';

export interface SimClients {
  ec2: EC2Client;
  asg: AutoScalingClient;
  sts: STSClient;
  ssm: SSMClient;
  org: OrganizationsClient;
}

/**
 * Unmodified AWS SDK v3 clients pointed at a running simulator, acting as `as` (an account id or
 * explicit credentials; the management account by default). For tests and benchmarks.
 */
export function simClients(
  sim: RunningSimulator,
  region: string,
  as?: string | SimCredentials,
  maxAttempts = 1,
): SimClients {
  const credentials = typeof as === 'string' ? credentialsOf(sim.state, as) : as;
  const cfg = { ...sim.clientConfig(region, credentials), maxAttempts };
  return {
    ec2: new EC2Client(cfg),
    asg: new AutoScalingClient(cfg),
    sts: new STSClient(cfg),
    ssm: new SSMClient(cfg),
    org: new OrganizationsClient(cfg),
  };
}

/** The error an SDK call rejects with: its name (AWS code) and HTTP status. */
export async function awsError(
  p: Promise<unknown>,
): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail');
}
