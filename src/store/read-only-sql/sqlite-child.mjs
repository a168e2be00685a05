// Runs one read-only SQL statement against a SQLite file in a child process, so the caller can
// kill it when it outlives its time limit: a statement running inside better-sqlite3 cannot be
// interrupted (not even by terminating a worker thread, which waits for native code to return).
// Rows go back in batches, so a statement without a row cap never holds its whole answer here.
// Plain JavaScript so the child needs no TypeScript loader.
import { Buffer } from 'node:buffer';
import process from 'node:process';
import Database from 'better-sqlite3';

const BATCH = 500;

const send = (msg) => new Promise((resolve) => process.send(msg, resolve));

const cell = (v) => (typeof v === 'bigint' ? Number(v) : Buffer.isBuffer(v) ? v.toString('base64') : v);

async function run({ file, sql, maxRows }) {
  let db;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('query_only = ON');
  } catch (err) {
    return { type: 'error', kind: 'open', message: messageOf(err) };
  }
  try {
    let stmt;
    try {
      stmt = db.prepare(sql);
    } catch (err) {
      return { type: 'error', kind: 'invalid', message: messageOf(err) };
    }
    if (!stmt.reader)
      return { type: 'error', kind: 'write', message: 'the statement writes or returns no rows' };
    await send({ type: 'columns', columns: stmt.columns().map((c) => c.name) });
    let batch = [];
    let sent = 0;
    try {
      for (const row of stmt.raw(true).iterate()) {
        if (maxRows !== undefined && sent + batch.length >= maxRows)
          return { type: 'done', truncated: true, batch };
        batch.push(row.map(cell));
        if (batch.length >= BATCH) {
          await send({ type: 'rows', rows: batch });
          sent += batch.length;
          batch = [];
        }
      }
    } catch (err) {
      const message = messageOf(err);
      return { type: 'error', kind: /readonly/i.test(message) ? 'write' : 'failed', message };
    }
    return { type: 'done', truncated: false, batch };
  } finally {
    db.close();
  }
}

function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

process.once('message', async (request) => {
  const reply = await run(request);
  if (reply.type === 'done' && reply.batch.length > 0) await send({ type: 'rows', rows: reply.batch });
  await send(reply.type === 'done' ? { type: 'done', truncated: reply.truncated } : reply);
  process.exit(0);
});
