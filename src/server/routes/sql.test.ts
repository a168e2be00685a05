import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { STORE_TARGETS, announceSkips } from '../../store/testing.ts';
import { EXACT_COLUMNS, EXACT_JSON_ROW, exactCellsSql } from '../../store/read-only-sql/testing.ts';
import { buildServer } from '../app.ts';
import { createToken } from '../auth/tokens.ts';
import type { TokenTables } from '../auth/tokens.ts';

announceSkips();

const RUNAWAY = 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r';

/** This process's SQLite query children, read from /proc (not from the pool under test). */
function sqlChildren(): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('sqlite-child.mjs')) pids.push(Number(name));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

for (const target of STORE_TARGETS)
  test(
    `POST /api/sql: exact integers as digits, hex blobs, a timeout then an answer, no child left after close (${target.name})`,
    { skip: target.skip },
    async () => {
      const fresh = await target.fresh();
      const { token } = await createToken(fresh.store.db as unknown as Kysely<TokenTables>, 'v', 'viewer');
      const before = sqlChildren();
      const app = await buildServer({
        store: fresh.store,
        target: fresh.target,
        sqlLimits: { timeoutMs: 800, maxRows: 10 },
      });
      try {
        const base = await app.listen({ host: '127.0.0.1', port: 0 });
        const sql = async (text: string) => {
          const res = await fetch(`${base}/api/sql`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ sql: text }),
          });
          return { status: res.status, text: await res.text() };
        };
        const exact = await sql(exactCellsSql(target.name));
        assert.equal(exact.status, 200, exact.text);
        // The digits travel as strings: a JSON number would already be rounded in the text.
        assert.match(exact.text, /\["9007199254740993","-9223372036854775808",9007199254740991,/);
        assert.deepEqual(JSON.parse(exact.text), {
          columns: EXACT_COLUMNS,
          rows: [EXACT_JSON_ROW],
          truncated: false,
          row_cap: 10,
        });
        const server = sqlChildren().filter((p) => !before.includes(p));
        // SQLite answers from one pooled child; PostgreSQL needs none.
        assert.equal(server.length, target.name === 'sqlite' ? 1 : 0);

        const slow = await sql(RUNAWAY);
        assert.equal(slow.status, 400);
        assert.equal(JSON.parse(slow.text).code, 'AMW_QUERY_TIMEOUT');
        const next = await sql('select 41 + 1 as answer');
        assert.equal(next.status, 200, next.text);
        assert.deepEqual(JSON.parse(next.text).rows, [[42]]);
        const replaced = sqlChildren().filter((p) => !before.includes(p));
        if (target.name === 'sqlite') {
          assert.equal(replaced.length, 1);
          assert.notEqual(replaced[0], server[0], 'the timed-out child was replaced');
        }

        await app.close();
        assert.deepEqual(
          sqlChildren().filter((p) => !before.includes(p)),
          [],
          'no query child outlives the server',
        );
      } finally {
        await app.close();
        await fresh.dispose();
      }
    },
  );
