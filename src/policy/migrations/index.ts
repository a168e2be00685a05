import type { Migration } from 'kysely';
import * as audit from './20261123T2300-policy-audit.ts';

/** The policy engine's own tables, migrated beside the asset store's under their own ledger. */
export const POLICY_MIGRATIONS: Record<string, Migration> = {
  '20261123T2300-policy-audit': audit,
};
