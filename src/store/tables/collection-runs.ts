/** One `amiwarden collect` run. */
export interface CollectionRunsTable {
  run_id: string;
  started_at: string;
  finished_at: string | null;
  /** running | ok | partial | failed */
  status: string;
  accounts: number;
  scopes_ok: number;
  scopes_failed: number;
  api_calls: number;
  images_seen: number;
}

/** The outcome of one account x region within a run. */
export interface CollectionScopesTable {
  run_id: string;
  account_id: string;
  region: string;
  /** ok | failed */
  status: string;
  error_code: string | null;
  error_message: string | null;
  started_at: string;
  finished_at: string | null;
  images: number;
  instances: number;
}
