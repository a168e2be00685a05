/**
 * Simulator credentials. Every estate account has long-term keys (from the seed, or derived from
 * its id so tests can compute them); SIM_ROOT_CREDENTIALS always act as the management account
 * (or the first account when the seed has no organization).
 */
export interface SimCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

// Not frozen: the SDK tags credential objects it is given.
export const SIM_ROOT_CREDENTIALS: Readonly<SimCredentials> = {
  accessKeyId: 'AKIASIMROOT000000000',
  secretAccessKey: 'amiwarden-sim-root-secret',
};

/** The keys an account gets when its seed entry names none. */
export function accountCredentials(accountId: string): SimCredentials {
  return { accessKeyId: `AKIASIM0${accountId}`, secretAccessKey: `amiwarden-sim-secret-${accountId}` };
}

export interface ParsedAuth {
  accessKeyId: string;
  region: string;
  service: string;
}

/** Reads the SigV4 credential scope: `Credential=AKID/20261123/us-east-1/ec2/aws4_request`. */
export function parseAuthorization(header: string | undefined): ParsedAuth | undefined {
  if (!header) return undefined;
  const m = /Credential=([^/,\s]+)\/[0-9]{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header);
  if (!m) return undefined;
  return { accessKeyId: m[1]!, region: m[2]!, service: m[3]! };
}
