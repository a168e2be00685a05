import type { Migration } from 'kysely';
import * as initial from './20261123T2230-initial.ts';

/** Timestamped migrations, applied in name order; never edit one that has shipped. */
export const MIGRATIONS: Record<string, Migration> = {
  '20261123T2230-initial': initial,
};
