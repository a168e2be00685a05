import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AmwError } from '../../errors.ts';
import { failedError, invalidError, readOnlyError, timeoutError } from './types.ts';
import type { ReadOnlySqlLimits, ReadOnlySqlResult } from './types.ts';

const CHILD = fileURLToPath(new URL('./sqlite-child.mjs', import.meta.url));

type ChildMessage =
  | { type: 'columns'; columns: string[] }
  | { type: 'rows'; rows: unknown[][] }
  | { type: 'done'; truncated: boolean }
  | { type: 'error'; kind: 'open' | 'invalid' | 'write' | 'failed'; message: string };

/** One statement in a child process that is killed when the time limit passes. */
export function runSqlite(file: string, sql: string, limits: ReadOnlySqlLimits): Promise<ReadOnlySqlResult> {
  // Checked here too so a missing store is named plainly and never created.
  if (!existsSync(file))
    return Promise.reject(
      new AmwError('AMW_STORE_OPEN', `no asset store at ${file} (run amiwarden collect or demo first)`),
    );
  return new Promise((resolve, reject) => {
    const child = fork(CHILD, [], {
      // No TypeScript loader (the child is plain JavaScript), and a bounded heap.
      execArgv: ['--max-old-space-size=256'],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    let columns: string[] = [];
    const rows: unknown[][] = [];
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      fn();
    };
    const timer =
      limits.timeoutMs > 0
        ? setTimeout(() => {
            child.kill('SIGKILL');
            settle(() => reject(timeoutError(limits.timeoutMs)));
          }, limits.timeoutMs)
        : undefined;
    child.on('message', (msg: ChildMessage) => {
      if (msg.type === 'columns') columns = msg.columns;
      else if (msg.type === 'rows') for (const row of msg.rows) rows.push(row);
      else if (msg.type === 'done') settle(() => resolve({ columns, rows, truncated: msg.truncated }));
      else settle(() => reject(childError(file, msg)));
    });
    child.once('close', (code, signal) =>
      settle(() => reject(failedError(`the query process ended (${signal ?? code}) without an answer`))),
    );
    child.once('error', (err) => settle(() => reject(failedError(err.message, err))));
    child.send({ file, sql, maxRows: limits.maxRows });
  });
}

function childError(file: string, msg: Extract<ChildMessage, { type: 'error' }>): AmwError {
  switch (msg.kind) {
    case 'open':
      return new AmwError('AMW_STORE_OPEN', `cannot open ${file}: ${msg.message}`);
    case 'write':
      return readOnlyError(msg.message);
    case 'invalid':
      return invalidError(msg.message);
    default:
      return failedError(msg.message);
  }
}
