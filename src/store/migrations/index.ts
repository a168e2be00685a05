import type { Migration } from 'kysely';
import * as advisories from './20261123T2310-advisories.ts';
import * as initial from './20261123T2230-initial.ts';
import * as apiTokens from './20261123T2300-api-tokens.ts';
import * as scans from './20261123T2340-scans.ts';
import * as advisoryScanResults from './20261123T2350-advisory-scan-results.ts';
import * as browseIndexes from './20261124T0005-browse-indexes.ts';
import * as violationAcks from './20261124T0020-violation-acks.ts';
import * as imageViews from './20261124T0500-image-views.ts';

/** Timestamped migrations, applied in name order; never edit one that has shipped. */
export const MIGRATIONS: Record<string, Migration> = {
  '20261123T2230-initial': initial,
  '20261123T2300-api-tokens': apiTokens,
  '20261123T2310-advisories': advisories,
  '20261123T2340-scans': scans,
  '20261123T2350-advisory-scan-results': advisoryScanResults,
  '20261124T0005-browse-indexes': browseIndexes,
  '20261124T0020-violation-acks': violationAcks,
  '20261124T0500-image-views': imageViews,
};
