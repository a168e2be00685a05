import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import type { Account } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { AmwError } from '../errors.ts';
import { organizationsClient, regionClients, stsClient } from './clients.ts';
import type { AwsAccess } from './clients.ts';
import { credentialOwner, wrapAwsError } from './errors.ts';
import { allPages } from './paging.ts';

export interface AccountTarget {
  accountId: string;
  name: string | null;
  email: string | null;
  state: string | null;
  source: 'config' | 'organizations' | 'caller';
  /** The role assumed to read it; null for the caller's own account. */
  roleArn: string | null;
}

export async function callerAccount(access: AwsAccess, region: string): Promise<string> {
  const sts = stsClient(access, region);
  try {
    const id = await sts.send(new GetCallerIdentityCommand({}));
    if (!id.Account) throw new AmwError('AMW_AWS_CREDENTIALS', 'GetCallerIdentity returned no account');
    return id.Account;
  } catch (err) {
    throw wrapAwsError(
      err,
      'checking the credentials (sts:GetCallerIdentity)',
      'AMW_AWS_CREDENTIALS',
      credentialOwner(access),
    );
  } finally {
    sts.destroy();
  }
}

export async function organizationAccounts(access: AwsAccess, region: string): Promise<Account[]> {
  const org = organizationsClient(access, region);
  try {
    const { items } = await allPages(
      (req) => org.send(new ListAccountsCommand(req)),
      {},
      (res) => res.Accounts,
    );
    return items as Account[];
  } catch (err) {
    throw wrapAwsError(
      err,
      'listing the organization accounts (organizations:ListAccounts)',
      undefined,
      credentialOwner(access),
    );
  } finally {
    org.destroy();
  }
}

/** Regions the account may use; opted-out regions are left out. */
export async function enabledRegions(access: AwsAccess, region: string): Promise<string[]> {
  const { ec2 } = regionClients(access, region);
  try {
    const res = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
    return (res.Regions ?? [])
      .filter((r) => r.OptInStatus !== 'not-opted-in')
      .map((r) => r.RegionName ?? '')
      .filter(Boolean)
      .sort();
  } catch (err) {
    throw wrapAwsError(err, 'listing regions (ec2:DescribeRegions)', undefined, credentialOwner(access));
  } finally {
    ec2.destroy();
  }
}

/**
 * Credentials for a member account: AssumeRole from the caller's credentials, fetched once
 * and refreshed shortly before they expire.
 */
export function assumeRoleCredentials(
  access: AwsAccess,
  region: string,
  roleArn: string,
): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - Date.now() > 5 * 60_000) return cached;
    if (cached && !cached.expiration) return cached;
    const sts = stsClient(access, region);
    try {
      const res = await sts.send(
        new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'amiwarden-collect' }),
      );
      const c = res.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
      cached = {
        accessKeyId: c.AccessKeyId,
        secretAccessKey: c.SecretAccessKey,
        ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
        ...(c.Expiration ? { expiration: c.Expiration } : {}),
      };
      return cached;
    } catch (err) {
      throw wrapAwsError(err, `assuming ${roleArn}`, 'AMW_AWS_ASSUME_ROLE', credentialOwner(access));
    } finally {
      sts.destroy();
    }
  };
}

export function roleArnFor(accountId: string, roleName: string): string {
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}
