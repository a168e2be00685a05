import type { HistoryColumns, SqlBool } from './history.ts';

/**
 * How one collected account-region saw an image. Some facts are judged for the caller, not the
 * image: Allowed AMIs' ImageAllowed answers "may this account launch it under its own criteria",
 * so it lives here, one row per viewer, and never on the image row that every viewer shares.
 */
export interface ImageViewsTable extends HistoryColumns {
  image_id: string;
  /** The viewing account and region (the collection scope that described the image). */
  account_id: string;
  region: string;
  /** ImageAllowed as reported to this account-region; null when the setting is disabled or the field absent. */
  image_allowed: SqlBool | null;
  /** owned | shared | referenced: how this account's collection found the image. */
  discovered_via: string;
}
