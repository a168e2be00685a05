import type { HistoryColumns } from './history.ts';

/** Per account and region image settings. */
export interface AccountSettingsTable extends HistoryColumns {
  account_id: string;
  region: string;
  /** block-new-sharing | unblocked */
  image_block_public_access: string | null;
  image_block_public_access_managed_by: string | null;
  /** disabled | audit-mode | enabled */
  allowed_images_state: string | null;
  /** JSON array of image criteria. */
  allowed_images_criteria: string;
}
