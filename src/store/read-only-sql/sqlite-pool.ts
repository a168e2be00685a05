import { resolve } from 'node:path';
import { failedError } from './types.ts';
import type { ReadOnlySqlLimits, ReadOnlySqlResult } from './types.ts';
import { SqliteChild } from './sqlite-process.ts';

interface Slot {
  child: SqliteChild | undefined;
  /** The end of this file's queue: statements run one after another, never two in one child. */
  tail: Promise<unknown>;
}

// Pools still open when the process exits: their children are killed on the way out, so a CLI or
// a server that never closed its pool leaves no process behind, even one busy with a statement.
const OPEN = new Set<SqlitePool>();
process.once('exit', () => {
  for (const pool of OPEN) pool.killAll();
});

/**
 * SQLite children for the API console, one per store file: started on the first statement,
 * reused while idle (a fork costs far more than a small query), killed and replaced when a
 * statement times out, all ended by close(). Statements for the same file wait their turn; the
 * time limit counts from when a statement starts in the child.
 */
export class SqlitePool {
  readonly #slots = new Map<string, Slot>();
  #closed = false;

  constructor() {
    OPEN.add(this);
  }

  run(file: string, sql: string, limits: ReadOnlySqlLimits): Promise<ReadOnlySqlResult> {
    const key = resolve(file);
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { child: undefined, tail: Promise.resolve() };
      this.#slots.set(key, slot);
    }
    const s = slot;
    const answer = s.tail.then(() => {
      if (this.#closed) throw failedError('the SQL console has been closed');
      if (!s.child || s.child.dead) s.child = new SqliteChild();
      return s.child.run(key, sql, limits);
    });
    s.tail = answer.catch(() => undefined);
    return answer;
  }

  /** Process ids of the children alive now (for tests and diagnostics). */
  pids(): number[] {
    return [...this.#slots.values()].flatMap((s) =>
      s.child && !s.child.dead && s.child.pid !== undefined ? [s.child.pid] : [],
    );
  }

  /** Ends every child, waiting until each has exited; later statements are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    OPEN.delete(this);
    const children = [...this.#slots.values()].flatMap((s) => (s.child ? [s.child] : []));
    this.#slots.clear();
    await Promise.all(children.map((c) => c.close()));
  }

  /** Synchronous kill for the process 'exit' hook, where nothing can be awaited. */
  killAll(): void {
    for (const s of this.#slots.values()) s.child?.kill();
  }
}
