import type { Store } from '../../store/db.ts';
import { migrateWorkflow } from './migration.ts';
import { workflowDb } from './tables.ts';
import type { WorkflowDb } from './tables.ts';

/** The workflow tables of an opened store, migrated to the latest version first. */
export async function workflowStore(store: Store): Promise<WorkflowDb> {
  const db = workflowDb(store.db);
  await migrateWorkflow(db as never);
  return db;
}
