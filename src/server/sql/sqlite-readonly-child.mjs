// Runs one read-only SQL statement against a SQLite file in a child process, so the caller can
// kill it when it outlives its time limit: a statement running inside better-sqlite3 cannot be
// interrupted (not even by terminating a worker thread, which waits for native code to return).
// Plain JavaScript so the child needs no TypeScript loader.
import { Buffer } from 'node:buffer';
import process from 'node:process';
import Database from 'better-sqlite3';

process.once('message', ({ file, sql, maxRows }) => {
  let reply;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
    const stmt = db.prepare(sql);
    if (!stmt.reader) {
      reply = { ok: false, kind: 'write', message: 'only statements that return rows are allowed' };
    } else {
      const columns = stmt.columns().map((c) => c.name);
      const rows = [];
      let truncated = false;
      for (const row of stmt.raw(true).iterate()) {
        if (rows.length >= maxRows) {
          truncated = true;
          break;
        }
        rows.push(
          row.map((v) => (typeof v === 'bigint' ? Number(v) : Buffer.isBuffer(v) ? v.toString('base64') : v)),
        );
      }
      reply = { ok: true, columns, rows, truncated };
    }
    db.close();
  } catch (err) {
    reply = { ok: false, kind: 'invalid', message: err instanceof Error ? err.message : String(err) };
  }
  process.send(reply, () => process.exit(0));
});
