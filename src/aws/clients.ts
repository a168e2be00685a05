import './sdk-node-warning.ts';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { EBSClient } from '@aws-sdk/client-ebs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { KMSClient } from '@aws-sdk/client-kms';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * How to reach AWS: an endpoint override (the estate simulator) and credentials. Absent
 * fields fall back to the SDK's standard environment and config chain.
 */
export interface AwsAccess {
  endpoint?: string;
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per call, with the SDK's adaptive retry (client-side rate limiting). */
  maxAttempts?: number;
  counter?: CallCounter;
}

/** Counts operations (one per SDK call) and HTTP attempts (retries included). */
export class CallCounter {
  calls = 0;
  attempts = 0;
  readonly byOperation = new Map<string, number>();

  record(op: string): void {
    this.calls++;
    this.byOperation.set(op, (this.byOperation.get(op) ?? 0) + 1);
  }
}

export const DEFAULT_MAX_ATTEMPTS = 10;

interface CountableClient {
  middlewareStack: {
    add(mw: unknown, opts: { step: string; name: string }): void;
  };
}

function withCounter<C>(client: C, counter: CallCounter | undefined): C {
  if (!counter) return client;
  const stack = (client as unknown as CountableClient).middlewareStack;
  stack.add(
    (next: (a: unknown) => Promise<unknown>, ctx: { commandName?: string }) => async (args: unknown) => {
      counter.record(ctx.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'amwCountCalls' },
  );
  // The deserialize step runs inside the retry loop, so it sees every attempt.
  stack.add(
    (next: (a: unknown) => Promise<unknown>) => async (args: unknown) => {
      counter.attempts++;
      return next(args);
    },
    { step: 'deserialize', name: 'amwCountAttempts' },
  );
  return client;
}

function config(access: AwsAccess, region: string) {
  return {
    region,
    retryMode: 'adaptive',
    maxAttempts: access.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    ...(access.endpoint ? { endpoint: access.endpoint } : {}),
    ...(access.credentials ? { credentials: access.credentials } : {}),
  };
}

/** The SDK clients of one account in one region. Nothing outside src/aws builds SDK clients. */
export interface RegionClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly autoscaling: AutoScalingClient;
  readonly ssm: SSMClient;
  destroy(): void;
}

export function regionClients(access: AwsAccess, region: string): RegionClients {
  const c = config(access, region);
  const ec2 = withCounter(new EC2Client(c), access.counter);
  const autoscaling = withCounter(new AutoScalingClient(c), access.counter);
  const ssm = withCounter(new SSMClient(c), access.counter);
  return {
    region,
    ec2,
    autoscaling,
    ssm,
    destroy() {
      ec2.destroy();
      autoscaling.destroy();
      ssm.destroy();
    },
  };
}

export function stsClient(access: AwsAccess, region: string): STSClient {
  return withCounter(new STSClient(config(access, region)), access.counter);
}

export function organizationsClient(access: AwsAccess, region: string): OrganizationsClient {
  return withCounter(new OrganizationsClient(config(access, region)), access.counter);
}

/** EBS direct APIs (snapshot blocks), for the `ebs:` and `ami:` scan sources. */
export function ebsClient(access: AwsAccess, region: string): EBSClient {
  return withCounter(new EBSClient(config(access, region)), access.counter);
}

/** KMS, for the `ami:` source's check that the reading account may decrypt with a snapshot's key. */
export function kmsClient(access: AwsAccess, region: string): KMSClient {
  return withCounter(new KMSClient(config(access, region)), access.counter);
}

/** The region the SDK's standard environment names (AWS_REGION, then AWS_DEFAULT_REGION). */
export function environmentRegion(): string | undefined {
  return process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
}
