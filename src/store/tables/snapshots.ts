import type { HistoryColumns, SqlBool } from './history.ts';

/** An EBS snapshot owned by a collected account. */
export interface SnapshotsTable extends HistoryColumns {
  snapshot_id: string;
  account_id: string;
  region: string;
  volume_id: string | null;
  state: string | null;
  encrypted: SqlBool | null;
  kms_key_id: string | null;
  volume_size: number | null;
  start_time: string | null;
  description: string | null;
  storage_tier: string | null;
  tags: string;
}
