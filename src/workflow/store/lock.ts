import type { WorkflowDb } from './tables.ts';

/**
 * A lease so that two ticks started by cron at once do not both send: the second sees the
 * lease and stops. A crashed tick's lease runs out after `leaseMs`.
 */
export async function acquireLock(
  db: WorkflowDb,
  holder: string,
  now: Date,
  leaseMs: number,
): Promise<boolean> {
  const until = new Date(now.getTime() + leaseMs).toISOString();
  try {
    await db.insertInto('workflow_lock').values({ name: 'tick', holder, until }).execute();
    return true;
  } catch {
    const taken = await db
      .updateTable('workflow_lock')
      .set({ holder, until })
      .where('name', '=', 'tick')
      .where('until', '<', now.toISOString())
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }
}

export async function releaseLock(db: WorkflowDb, holder: string): Promise<void> {
  await db.deleteFrom('workflow_lock').where('name', '=', 'tick').where('holder', '=', holder).execute();
}
