/**
 * Simulator credentials. Every estate account has long-term keys (from the seed, or derived from
 * its id so tests can compute them); SIM_ROOT_CREDENTIALS always act as the management account
 * (or the first account when the seed has no organization). The simulator verifies every
 * request's SigV4 signature against these secrets (auth/verify.ts).
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
