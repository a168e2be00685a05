/** The image's operating system as its os-release says (never the host's). */
export interface OsInfo {
  /** os-release ID: "debian", "ubuntu", "amzn", ... or "unknown" when no os-release could be read. */
  readonly id: string;
  /** os-release VERSION_ID: "12", "22.04", "2023". */
  readonly versionId: string;
  readonly prettyName: string;
  /** Package family: decides which package database and which benchmark apply. */
  readonly family: 'debian' | 'rhel' | 'alpine' | 'unknown';
  /** os-release ID_LIKE entries. */
  readonly like: readonly string[];
}

export const UNKNOWN_OS: OsInfo = {
  id: 'unknown',
  versionId: '',
  prettyName: 'unknown',
  family: 'unknown',
  like: [],
};
