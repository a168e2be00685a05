import type { HistoryColumns, SqlBool } from './history.ts';

/** One block device of an image; snapshot_id links images to snapshots (many to many). */
export interface BlockDeviceMappingsTable extends HistoryColumns {
  image_id: string;
  device_name: string;
  snapshot_id: string | null;
  volume_size: number | null;
  volume_type: string | null;
  encrypted: SqlBool | null;
  delete_on_termination: SqlBool | null;
  iops: number | null;
  throughput: number | null;
  virtual_name: string | null;
  no_device: SqlBool;
}
