// Runs read-only SQL statements against SQLite files in a child process, so the caller can
// kill it when a statement outlives its time limit: a statement running inside better-sqlite3
// cannot be interrupted (not even by terminating a worker thread, which waits for native code to
// return). The parent sends one request at a time and may send more after an answer (a pooled
// child); the child ends when the parent disconnects. Rows go back in batches, so a statement
// without a row cap never holds its whole answer here. Plain JavaScript so the child needs no
// TypeScript loader; the channel uses Node's "advanced" serialization, which carries bigints.
import { Buffer } from 'node:buffer';
import { statSync } from 'node:fs';
import process from 'node:process';
import Database from 'better-sqlite3';

const BATCH = 500;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = -MAX_SAFE;

const send = (msg) => new Promise((resolve) => process.send(msg, resolve));

// The cell encoding shared with the PostgreSQL side (cells.ts): integers exact (a number when
// JavaScript holds it exactly, a bigint otherwise), blobs as `\x` and lowercase hex, infinite
// reals as their text (JSON has no number for them).
const cell = (v) =>
  typeof v === 'number'
    ? Number.isFinite(v)
      ? v
      : String(v)
    : typeof v === 'bigint'
      ? v >= MIN_SAFE && v <= MAX_SAFE
        ? Number(v)
        : v
      : v instanceof Uint8Array
        ? `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`
        : v;

// One open connection, kept between requests for the same file; reopened when the path names a
// different file than before (a store replaced on disk must not be read through a stale handle).
let open;

function database(file) {
  const { dev, ino } = statSync(file);
  if (open && open.file === file && open.dev === dev && open.ino === ino) return open.db;
  open?.db.close();
  open = undefined;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('query_only = ON');
  open = { file, dev, ino, db };
  return db;
}

async function run({ file, sql, maxRows }) {
  let db;
  try {
    db = database(file);
  } catch (err) {
    return { type: 'error', kind: 'open', message: messageOf(err) };
  }
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
    for (const row of stmt.safeIntegers(true).raw(true).iterate()) {
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
}

function messageOf(err) {
  return err instanceof Error ? err.message : String(err);
}

// Requests are answered in order, one at a time, even if a parent ever sent two. Anything
// unexpected ends the child: the parent reports the statement as failed and starts a new one.
let queue = Promise.resolve();
process.on('message', (request) => {
  queue = queue
    .then(async () => {
      const reply = await run(request);
      if (reply.type === 'done' && reply.batch.length > 0) await send({ type: 'rows', rows: reply.batch });
      await send(reply.type === 'done' ? { type: 'done', truncated: reply.truncated } : reply);
    })
    .catch(() => process.exit(1));
});
// Loaded and ready: the parent starts a statement's clock from here, so a cold start (fork, module
// and native addon loading, slow on a busy machine) never eats into a statement's time limit.
new Database(':memory:').close();
process.send({ type: 'ready' });
process.once('disconnect', () => {
  open?.db.close();
  process.exit(0);
});
