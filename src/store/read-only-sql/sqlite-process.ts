import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { AmwError } from '../../errors.ts';
import { failedError, invalidError, readOnlyError, timeoutError } from './types.ts';
import type { ReadOnlySqlLimits, ReadOnlySqlResult, SqlCell } from './types.ts';

const SCRIPT = fileURLToPath(new URL('./sqlite-child.mjs', import.meta.url));

type ChildMessage =
  | { type: 'ready' }
  | { type: 'columns'; columns: string[] }
  | { type: 'rows'; rows: SqlCell[][] }
  | { type: 'done'; truncated: boolean }
  | { type: 'error'; kind: 'open' | 'invalid' | 'write' | 'failed'; message: string };

/**
 * One child process that runs statements one at a time and is killed when one outlives its time
 * limit (after which it is `dead` and a new one must be started). Callers keep to one statement
 * at a time: the pool queues, the one-shot path runs a single statement.
 */
export class SqliteChild {
  readonly #child: ChildProcess;
  #dead = false;
  #busy = false;
  readonly #exited: Promise<void>;
  /** Resolves when the child has loaded; a statement's time limit counts from then. */
  readonly #ready: Promise<void>;

  constructor() {
    this.#child = fork(SCRIPT, [], {
      // No TypeScript loader (the child is plain JavaScript), and a bounded heap.
      execArgv: ['--max-old-space-size=256'],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      // Structured clone over the channel: bigints (integers past 2^53) cross it exactly.
      serialization: 'advanced',
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.#ready = new Promise((resolve) => {
      const onReady = (msg: ChildMessage) => {
        if (msg.type !== 'ready') return;
        this.#child.off('message', onReady);
        resolve();
      };
      this.#child.on('message', onReady);
    });
    this.#child.once('exit', () => (this.#dead = true));
    // Errors reach the statement running (through 'close'); an idle child's are not the caller's.
    this.#child.on('error', () => undefined);
    this.#idle();
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** Killed, crashed or closed: a new child must take its place. */
  get dead(): boolean {
    return this.#dead;
  }

  run(file: string, sql: string, limits: ReadOnlySqlLimits): Promise<ReadOnlySqlResult> {
    if (this.#dead) return Promise.reject(failedError('the query process has ended'));
    if (this.#busy) return Promise.reject(failedError('the query process is busy'));
    this.#busy = true;
    const child = this.#child;
    child.ref();
    child.channel?.ref();
    return new Promise<ReadOnlySqlResult>((resolve, reject) => {
      let columns: string[] = [];
      const rows: SqlCell[][] = [];
      let settled = false;
      const settle = (fn: () => void) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        child.off('message', onMessage);
        child.off('close', onClose);
        this.#busy = false;
        if (!this.#dead) this.#idle();
        fn();
      };
      let timer: NodeJS.Timeout | undefined;
      if (limits.timeoutMs > 0)
        void this.#ready.then(() => {
          if (settled) return;
          timer = setTimeout(() => {
            this.kill();
            settle(() => reject(timeoutError(limits.timeoutMs)));
          }, limits.timeoutMs);
        });
      const onMessage = (msg: ChildMessage) => {
        if (msg.type === 'ready') return;
        if (msg.type === 'columns') columns = msg.columns;
        else if (msg.type === 'rows') for (const row of msg.rows) rows.push(row);
        else if (msg.type === 'done') settle(() => resolve({ columns, rows, truncated: msg.truncated }));
        else settle(() => reject(childError(file, msg)));
      };
      const onClose = (code: number | null, signal: string | null) => {
        this.#dead = true;
        settle(() => reject(failedError(`the query process ended (${signal ?? code}) without an answer`)));
      };
      child.on('message', onMessage);
      child.once('close', onClose);
      child.send({ file, sql, maxRows: limits.maxRows }, (err) => {
        if (err) settle(() => reject(failedError(err.message, err)));
      });
    });
  }

  /** Stops the child at once (a statement in native code cannot be interrupted any other way). */
  kill(): void {
    this.#dead = true;
    this.#child.kill('SIGKILL');
  }

  /** Ends the child and waits until it has exited. */
  async close(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      // Held until it has exited: the caller is waiting for that.
      this.#child.ref();
      this.kill();
    }
    await this.#exited;
  }

  // An idle child must not keep the parent's event loop alive (a CLI would never exit).
  #idle(): void {
    this.#child.unref();
    this.#child.channel?.unref();
  }
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
