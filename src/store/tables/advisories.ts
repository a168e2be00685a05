/** One `amiwarden advisories update` import of one source: where the data came from and when. */
export interface AdvisoryImportsTable {
  import_id: string;
  /** debian-tracker | debian-packages | ubuntu-osv | alas | osv */
  kind: string;
  /** The URL or local path read. */
  location: string;
  /** Release the user named for the source, when the data does not carry it. */
  release: string | null;
  started_at: string;
  finished_at: string | null;
  /** ok | failed */
  status: string;
  rows: number;
  error: string | null;
}

/**
 * One normalised advisory fact: in `distro` `release`, `package_name` is fixed at `fixed_version`
 * (status fixed), has no fix yet (no-fix), will not be fixed (will-not-fix), or has a newer version
 * waiting in the archive (pending-update). A re-import of the same kind and location replaces its rows.
 */
export interface AdvisoryRowsTable {
  source: string;
  location: string;
  advisory_id: string;
  distro: string;
  release: string;
  package_name: string;
  /** source | binary */
  package_kind: string;
  arch: string;
  status: string;
  fixed_version: string | null;
  affected_from: string | null;
  severity: string;
  /** When the feed says the fix was published (YYYY-MM-DD). */
  fix_date: string | null;
  /** JSON array of CVE ids. */
  cves: string;
  /** When an import first saw this fixed version: the fix date for feeds that carry none. */
  first_seen: string;
  import_id: string;
}
