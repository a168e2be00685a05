import type { HistoryColumns } from './history.ts';

/** One launch permission grant of an owned image. */
export interface LaunchPermissionsTable extends HistoryColumns {
  image_id: string;
  /** account | group | organization | organizational-unit */
  kind: string;
  /** account id, 'all', organization ARN or OU ARN */
  value: string;
}
