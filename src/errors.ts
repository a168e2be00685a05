/**
 * The one catalog of error codes. Codes are stable: scripts and tests match on them, and
 * docs/errors.md documents each one (a meta-test keeps the two in step).
 */
export const ERROR_CATALOG = {
  // general / CLI
  AMW_USAGE: 'The command line is not valid: unknown flag, missing argument or bad value.',
  AMW_CONFIG_INVALID: 'The configuration file (amiwarden.yml) cannot be read or does not match its schema.',
  AMW_INTERNAL: 'An unexpected failure inside amiwarden; the message carries the cause.',
  AMW_NOT_FOUND: 'A named object (image, scan, violation, file) does not exist.',
  // simulator
  AMW_SEED_UNREADABLE: 'The estate seed file cannot be read or parsed.',
  AMW_SEED_INVALID: 'The estate seed file parsed but breaks the seed schema (the message names the path).',
  AMW_SEED_CONTENT:
    "A seed snapshot's contentTree cannot be built into a disk image (a missing tool names its Debian package).",
  // AWS access
  AMW_AWS_CREDENTIALS: 'AWS rejected the credentials, or none were found.',
  AMW_AWS_UNKNOWN_REGION: 'A configured region is not one the account can use.',
  AMW_AWS_CALL_FAILED: 'An AWS call failed after its retries.',
  AMW_AWS_ASSUME_ROLE: 'Assuming the role in a member account failed.',
  // store
  AMW_STORE_OPEN: 'The asset store cannot be opened (bad path, bad URL, server unreachable).',
  AMW_STORE_MIGRATION: 'A schema migration failed; the store was left at the previous version.',
  AMW_QUERY_INVALID:
    'The SQL given to `amiwarden query` or the API SQL console (`POST /api/sql`) is malformed, refers to unknown tables or columns, or failed while running.',
  AMW_QUERY_READ_ONLY: 'The SQL given tries to write; queries are read-only.',
  AMW_QUERY_TIMEOUT:
    'The SQL ran longer than its time limit (`amiwarden query --timeout`, `serve --sql-timeout-ms`) and was stopped.',
  // collection
  AMW_COLLECT_PARTIAL: 'Some accounts or regions could not be collected; their earlier rows were kept.',
  // policies
  AMW_POLICY_YAML: 'A policy file is not valid YAML.',
  AMW_POLICY_SCHEMA: 'A policy breaks the policy schema: wrong type, missing or unknown field.',
  AMW_POLICY_UNKNOWN_FILTER: 'A policy names a filter that does not exist.',
  AMW_POLICY_UNKNOWN_ACTION: 'A policy names an action that does not exist.',
  AMW_POLICY_UNSUPPORTED_KEY: 'A policy uses a Cloud Custodian key that amiwarden does not support.',
  AMW_POLICY_UNDEFINED_VARIABLE: 'A policy uses a {variable} that its account group does not define.',
  AMW_POLICY_CIRCUIT_BREAKER: 'A policy matched more resources than its max-resources allows; no action ran.',
  AMW_ALLOWED_IMAGES_CRITERIA:
    'An Allowed AMIs criteria file (`allowed-images simulate --criteria`) is not valid JSON/YAML or breaks the ImageCriteria schema.',
  // workflows
  AMW_WORKFLOW_DELIVERY: 'A notification could not be delivered; it will be retried.',
  AMW_WORKFLOW_SECRET: 'A channel secret (webhook URL, password, token) is missing.',
  // scanning
  AMW_SCAN_SOURCE: 'The scan source cannot be opened (missing path, unknown scheme, unreadable).',
  AMW_SCAN_OUTSIDE_READS: 'A check read a path it did not declare in `reads`.',
  AMW_SCAN_CHECKS_INVALID:
    'A check rule or benchmark catalog file is invalid: bad YAML, schema, unknown template or rule, bad params.',
  AMW_SCAN_UNSCANNABLE: 'The image cannot be scanned (Marketplace, not shared with us, no KMS decrypt).',
  AMW_DISK_BAD_MBR: 'The MBR partition table is corrupt.',
  AMW_DISK_BAD_GPT: 'The GPT header or partition entries are corrupt.',
  AMW_DISK_BAD_LVM: 'The LVM2 label or metadata is corrupt or uses an unsupported layout.',
  AMW_DISK_NO_ROOT: 'No partition or volume holds a root filesystem (no os-release found).',
  AMW_FS_CORRUPT: 'The filesystem structures are corrupt (bad superblock, loop, extent out of range).',
  AMW_FS_UNSUPPORTED: 'The filesystem uses a feature or format amiwarden does not read.',
  AMW_EBS_BLOCK: 'An EBS direct block could not be fetched or failed its checksum.',
  // advisories
  AMW_ADVISORY_SOURCE: 'An advisory source cannot be fetched or parsed.',
  // server
  AMW_AUTH: 'The API token is missing, unknown or lacks the role the request needs.',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Where in a user's file the problem is; policy and seed errors carry one. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export class AmwError extends Error {
  readonly code: ErrorCode;
  readonly location: SourceLocation | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; location?: SourceLocation } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AmwError';
    this.code = code;
    this.location = options.location;
  }

  /** One line for a terminal: `file:line:col: message` when a location is known. */
  toLine(): string {
    const loc = this.location;
    if (!loc) return `${this.code}: ${this.message}`;
    const where = [loc.file, loc.line, loc.column].filter((p) => p !== undefined).join(':');
    return `${where}: ${this.message} [${this.code}]`;
  }
}

export function isAmwError(err: unknown, code?: ErrorCode): err is AmwError {
  return err instanceof AmwError && (code === undefined || err.code === code);
}

/** The message of any thrown value, for wrapping at a stage boundary. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
