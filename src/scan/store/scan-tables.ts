/** Row shapes of the scan tables (migration 20261123T2340-scans); one interface per table. */
export interface ScansTable {
  scan_id: string;
  image_id: string;
  source: string;
  started_at: string;
  duration_ms: number;
  os_id: string;
  os_version: string;
  os_name: string;
  /** complete | partial | failed | unscannable (nothing read: the reason is the `source` gap) */
  completeness: string;
  /** JSON array of {part, reason}. */
  gaps: string;
  /** ok | none | unreadable */
  packages_status: string;
  package_count: number;
  passed: number;
  failed: number;
  manual: number;
  not_applicable: number;
  errors: number;
}

export interface ScanControlsTable {
  scan_id: string;
  catalog_id: string;
  control_id: string;
  title: string;
  section: string;
  status: string;
  severity: string;
  reason: string | null;
}

export interface ScanFindingsTable {
  scan_id: string;
  seq: number;
  catalog_id: string;
  control_id: string;
  rule_id: string;
  severity: string;
  message: string;
  path: string | null;
  line: number | null;
}

export interface ScanPackagesTable {
  scan_id: string;
  manager: string;
  name: string;
  version: string;
  /** '' when the database records none (part of the key). */
  arch: string;
  epoch: number | null;
  source_name: string | null;
  source_version: string | null;
  license: string | null;
}

export interface ScanTables {
  scans: ScansTable;
  scan_controls: ScanControlsTable;
  scan_findings: ScanFindingsTable;
  scan_packages: ScanPackagesTable;
}
