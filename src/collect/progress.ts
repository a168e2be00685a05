/** Reports scope progress: a redrawn bar on a terminal, one plain line per scope otherwise. */
export interface Progress {
  start(total: number): void;
  scopeDone(label: string, ok: boolean, detail: string): void;
  finish(): void;
}

export function createProgress(stream: NodeJS.WriteStream | NodeJS.WritableStream, quiet = false): Progress {
  const tty = 'isTTY' in stream && stream.isTTY === true;
  let total = 0;
  let done = 0;
  const write = (s: string) => {
    if (!quiet) stream.write(s);
  };
  return {
    start(n) {
      total = n;
      write(tty ? '' : `collecting ${n} account/region scopes\n`);
    },
    scopeDone(label, ok, detail) {
      done++;
      if (tty) {
        const width = 30;
        const filled = total === 0 ? width : Math.round((done / total) * width);
        const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
        if (!ok) write(`\r\x1b[2Kfailed ${label}: ${detail}\n`);
        write(`\r\x1b[2K[${bar}] ${done}/${total} ${label}`);
      } else write(`${ok ? 'ok' : 'FAILED'} ${label}: ${detail}\n`);
    },
    finish() {
      if (tty) write('\r\x1b[2K');
    },
  };
}

export const silentProgress: Progress = { start() {}, scopeDone() {}, finish() {} };
