import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { STORE_TARGETS } from '../store/testing.ts';
import { insertImages, insertInstance } from '../../test/helpers/store-fixtures.ts';
import { buildServer } from './app.ts';
import { createToken, revokeToken } from './auth/tokens.ts';
import type { TokenTables } from './auth/tokens.ts';
import { workflowStore } from '../workflow/store/open.ts';
import { upsertFinding } from '../workflow/store/violations.ts';

const NOW = new Date('2026-11-23T00:00:00.000Z');
const DEV = '111111111111';
const PROD = '333333333333';

for (const target of STORE_TARGETS) {
  describe(`API on ${target.name}`, { skip: target.skip }, () => {
    let app: FastifyInstance;
    let base: string;
    let dispose: () => Promise<void>;
    const tok: Record<string, string> = {};
    let revoked: string;
    let violationId: string;

    before(async () => {
      const fresh = await target.fresh();
      dispose = fresh.dispose;
      const db = fresh.store.db;
      await insertImages(db, [
        {
          id: 'ami-0000000000000001',
          account: DEV,
          name: 'web-2024',
          created: '2024-01-10T00:00:00.000Z',
          public: true,
        },
        {
          id: 'ami-0000000000000002',
          account: DEV,
          name: 'web-2026',
          created: '2026-11-01T00:00:00.000Z',
          encrypted: true,
        },
        {
          id: 'ami-0000000000000003',
          account: PROD,
          name: 'db-2025',
          created: '2025-03-01T00:00:00.000Z',
          shares: [DEV],
          region: 'eu-west-1',
        },
        {
          id: 'ami-0000000000000004',
          account: PROD,
          name: 'gone',
          created: '2025-01-01T00:00:00.000Z',
          deleted: true,
        },
      ]);
      await insertInstance(db, {
        id: 'i-running',
        account: DEV,
        image: 'ami-0000000000000001',
        state: 'running',
      });
      await insertInstance(db, {
        id: 'i-dead',
        account: DEV,
        image: 'ami-0000000000000003',
        state: 'terminated',
      });
      const tokens = db as unknown as Kysely<TokenTables>;
      for (const role of ['viewer', 'operator', 'admin'] as const)
        tok[role] = (await createToken(tokens, role, role)).token;
      const r = await createToken(tokens, 'old', 'admin');
      await revokeToken(tokens, r.tokenId);
      revoked = r.token;
      const wf = await workflowStore(fresh.store);
      const opened = await upsertFinding(
        wf,
        {
          policy: 'ami-age',
          group: 'dev',
          accountId: DEV,
          region: 'us-east-1',
          resourceId: 'ami-0000000000000001',
          owner: 'team-web',
          why: 'older than 30 days',
          action: 'deregister',
        },
        '2026-11-20T00:00:00.000Z',
      );
      violationId = opened.violation.id;
      app = await buildServer({
        store: fresh.store,
        target: fresh.target,
        now: () => NOW,
        sqlLimits: { timeoutMs: 3000, maxRows: 2 },
      });
      base = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await app?.close();
      await dispose?.();
    });

    const call = async (path: string, init: { token?: string; method?: string; body?: unknown } = {}) => {
      const res = await fetch(base + path, {
        method: init.method ?? 'GET',
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
      const text = await res.text();
      return {
        status: res.status,
        headers: res.headers,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined,
      };
    };

    test('health needs no token and carries the security headers', async () => {
      const res = await call('/api/health');
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(res.headers.get('cache-control'), 'no-store');
    });

    test('API routes refuse a missing, malformed, unknown or revoked token', async () => {
      assert.equal((await call('/api/images')).status, 401);
      assert.equal((await call('/api/images', { token: 'nonsense' })).status, 401);
      assert.equal((await call('/api/images', { token: `amw_000000000000_${'A'.repeat(43)}` })).status, 401);
      assert.equal((await call('/api/images', { token: revoked })).status, 401);
      const cookieOnly = await fetch(`${base}/api/images`, { headers: { cookie: `token=${tok.viewer}` } });
      assert.equal(cookieOnly.status, 401);
    });

    test('images list filters, sorts and pages; deleted images only on request', async () => {
      const all = await call('/api/images?sort=creation_date&order=asc', { token: tok.viewer });
      assert.equal(all.status, 200);
      assert.equal(all.body!.total, 3);
      const items = all.body!.items as {
        image_id: string;
        in_use_refs: number;
        age_days: number;
        encrypted: boolean;
      }[];
      assert.deepEqual(
        items.map((i) => i.image_id),
        ['ami-0000000000000001', 'ami-0000000000000003', 'ami-0000000000000002'],
      );
      assert.equal(items[0]!.in_use_refs, 1);
      assert.equal(items[1]!.in_use_refs, 0, 'a terminated instance is not use');
      assert.equal(items[2]!.age_days, 22);
      assert.equal(items[2]!.encrypted, true);
      const dev = await call(`/api/images?account=${DEV}&in_use=false`, { token: tok.viewer });
      assert.deepEqual(
        (dev.body!.items as { image_id: string }[]).map((i) => i.image_id),
        ['ami-0000000000000002'],
      );
      const old = await call('/api/images?min_age_days=180&q=DB', { token: tok.viewer });
      assert.deepEqual(
        (old.body!.items as { image_id: string }[]).map((i) => i.image_id),
        ['ami-0000000000000003'],
      );
      const page = await call('/api/images?limit=1&offset=1&sort=name&order=asc', { token: tok.viewer });
      assert.equal(page.body!.total, 3);
      assert.deepEqual(
        (page.body!.items as { name: string }[]).map((i) => i.name),
        ['web-2024'],
      );
      const withDeleted = await call('/api/images?include_deleted=true', { token: tok.viewer });
      assert.equal(withDeleted.body!.total, 4);
    });

    test('bad query parameters are refused, not ignored', async () => {
      assert.equal((await call('/api/images?limit=100000', { token: tok.viewer })).status, 400);
      assert.equal((await call('/api/images?colour=red', { token: tok.viewer })).status, 400);
      assert.equal((await call('/api/images?sort=drop', { token: tok.viewer })).status, 400);
    });

    test('one image shows its usage, sharing and snapshots; an unknown one is 404', async () => {
      const res = await call('/api/images/ami-0000000000000003', { token: tok.viewer });
      assert.equal(res.status, 200);
      const usage = res.body!.usage as { kind: string; ref_id: string; in_use: boolean }[];
      assert.deepEqual(
        usage.map((u) => [u.kind, u.ref_id, u.in_use]),
        [
          ['instance', 'i-dead', false],
          ['other-account', DEV, false],
        ],
      );
      assert.deepEqual(res.body!.launch_permissions, [
        { kind: 'account', value: DEV, first_seen: '2026-11-01T00:00:00.000Z', deleted_at: null },
      ]);
      assert.equal((res.body!.block_devices as unknown[]).length, 1);
      assert.equal((await call('/api/images/ami-00000000000000ff', { token: tok.viewer })).status, 404);
      assert.equal((await call('/api/images/not-an-ami', { token: tok.viewer })).status, 400);
    });

    test('overview counts age buckets, encryption, shares and old images in use', async () => {
      const res = await call('/api/overview?old_days=180', { token: tok.viewer });
      const totals = res.body!.totals as Record<string, number>;
      assert.deepEqual(totals, {
        images: 3,
        encrypted: 1,
        unencrypted: 2,
        public: 1,
        cross_account_shared: 1,
        deprecated: 0,
        in_use: 1,
        old_in_use: 1,
        unused: 2,
      });
      const dev = (res.body!.accounts as { account_id: string; by_age: Record<string, number> }[]).find(
        (a) => a.account_id === DEV,
      )!;
      assert.deepEqual(dev.by_age, { '0-30': 1, '31-90': 0, '91-180': 0, '181-365': 0, '365+': 1 });
    });

    test('the SQL console reads, caps rows, and refuses every kind of write', async () => {
      const ok = await call('/api/sql', {
        token: tok.viewer,
        method: 'POST',
        body: { sql: 'select image_id from images order by image_id;' },
      });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.body!.rows, [['ami-0000000000000001'], ['ami-0000000000000002']]);
      assert.equal(ok.body!.truncated, true);
      const writes = [
        "insert into images (image_id) values ('x')",
        "update images set name = 'x'",
        'delete from images',
        'drop table images',
        "attach database '/tmp/x.db' as x",
        'pragma user_version = 7',
        'select 1; delete from images',
        'create table t (a int)',
      ];
      for (const sql of writes) {
        const res = await call('/api/sql', { token: tok.viewer, method: 'POST', body: { sql } });
        assert.equal(res.status, 403, `${sql} -> ${res.status}`);
        assert.equal(res.body!.code, 'AMW_QUERY_READ_ONLY', sql);
        assert.match(String(res.body!.message), /^queries are read-only: /, sql);
      }
      const count = await call('/api/sql', {
        token: tok.viewer,
        method: 'POST',
        body: { sql: 'select count(*) as n from images' },
      });
      assert.deepEqual(count.body!.rows, [[4]]);
      const bad = await call('/api/sql', {
        token: tok.viewer,
        method: 'POST',
        body: { sql: 'select nope from images' },
      });
      assert.equal(bad.status, 400);
    });

    test('a runaway query is stopped at its time limit', async () => {
      const sql = 'with recursive r(n) as (select 1 union all select n + 1 from r) select count(*) from r';
      const res = await call('/api/sql', { token: tok.viewer, method: 'POST', body: { sql } });
      assert.equal(res.status, 400);
      assert.equal(res.body!.code, 'AMW_QUERY_TIMEOUT');
      assert.equal(res.body!.message, 'query ran longer than 3 s and was stopped');
    });

    test('token management needs admin', async () => {
      const viewer = await call('/api/tokens', {
        token: tok.viewer,
        method: 'POST',
        body: { name: 'x', role: 'viewer' },
      });
      assert.equal(viewer.status, 403);
      const operator = await call('/api/tokens', { token: tok.operator });
      assert.equal(operator.status, 403);
      const created = await call('/api/tokens', {
        token: tok.admin,
        method: 'POST',
        body: { name: 'ci', role: 'viewer' },
      });
      assert.equal(created.status, 201);
      const who = await call('/api/whoami', { token: String(created.body!.token) });
      assert.deepEqual({ name: who.body!.name, role: who.body!.role }, { name: 'ci', role: 'viewer' });
      const list = await call('/api/tokens', { token: tok.admin });
      assert.ok(!JSON.stringify(list.body).includes('secret'), 'no secret or hash is ever listed');
    });

    test('violations: listed, shown on the image, waived by an operator, refused to a viewer', async () => {
      const list = await call('/api/violations?live=true', { token: tok.viewer });
      assert.deepEqual(
        (list.body as unknown as { id: string; state: string }[]).map((v) => [v.id, v.state]),
        [[violationId, 'open']],
      );
      const byState = await call('/api/violations?state=open', { token: tok.viewer });
      assert.deepEqual(
        (byState.body as unknown as { id: string }[]).map((v) => v.id),
        [violationId],
      );
      const noneWaived = await call('/api/violations?state=waived', { token: tok.viewer });
      assert.deepEqual(noneWaived.body, []);
      assert.equal((await call('/api/violations?state=closed', { token: tok.viewer })).status, 400);
      const image = await call('/api/images/ami-0000000000000001', { token: tok.viewer });
      assert.equal((image.body!.violations as unknown[]).length, 1);
      const body = { reason: 'replacement AMI ships next sprint', expires_at: '2026-12-01T00:00:00.000Z' };
      const ackRefused = await call(`/api/violations/${violationId}/acknowledge`, {
        token: tok.viewer,
        method: 'POST',
        body: {},
      });
      assert.equal(ackRefused.status, 403);
      const ack = await call(`/api/violations/${violationId}/acknowledge`, {
        token: tok.operator,
        method: 'POST',
        body: { note: 'on it' },
      });
      assert.equal(ack.status, 200);
      assert.deepEqual(
        (ack.body!.acknowledgements as { who: string; note: string }[]).map((a) => [a.who, a.note]),
        [['token:operator', 'on it']],
      );
      assert.equal(ack.body!.state, 'open', 'acknowledging does not change the state or stop the timers');
      const refused = await call(`/api/violations/${violationId}/waive`, {
        token: tok.viewer,
        method: 'POST',
        body,
      });
      assert.equal(refused.status, 403);
      assert.equal((await call(`/api/violations/${violationId}`, { token: tok.viewer })).body!.state, 'open');
      const past = await call(`/api/violations/${violationId}/waive`, {
        token: tok.operator,
        method: 'POST',
        body: { ...body, expires_at: '2020-01-01T00:00:00.000Z' },
      });
      assert.equal(past.status, 400);
      const waived = await call(`/api/violations/${violationId}/waive`, {
        token: tok.operator,
        method: 'POST',
        body,
      });
      assert.equal(waived.status, 200);
      assert.equal(waived.body!.state, 'waived');
      const detail = await call(`/api/violations/${violationId}`, { token: tok.viewer });
      const transitions = detail.body!.transitions as { to: string; actor: string }[];
      assert.deepEqual(
        transitions.map((t) => t.to),
        ['open', 'waived'],
      );
      assert.equal(transitions[1]!.actor, 'token:operator');
      assert.equal((detail.body!.waiver as { expiresAt: string }).expiresAt, body.expires_at);
    });

    test('accounts, runs, scans, policies, audit and the violations timeline answer for a viewer', async () => {
      for (const path of [
        '/api/accounts',
        '/api/runs',
        '/api/scans',
        '/api/policies',
        '/api/audit',
        '/api/violations/timeline',
      ]) {
        assert.equal((await call(path)).status, 401, `${path} without a token`);
        const res = await call(path, { token: tok.viewer });
        assert.equal(res.status, 200, path);
        assert.ok(Array.isArray(res.body), `${path} lists`);
      }
      const timeline = (await call('/api/violations/timeline', { token: tok.viewer })).body as unknown as {
        day: string;
        open: number;
      }[];
      assert.deepEqual(timeline[0], { day: '2026-11-20', open: 1 });
      assert.equal((await call('/api/scans/no-such-scan', { token: tok.viewer })).status, 404);
      assert.equal((await call('/api/violations/v-0000000000000000', { token: tok.viewer })).status, 404);
      assert.equal((await call('/api/audit?limit=0', { token: tok.viewer })).status, 400);
    });

    test('openapi.json documents every API route with its role', async () => {
      const res = await call('/openapi.json');
      const paths = res.body!.paths as Record<string, Record<string, { 'x-amiwarden-role': string | null }>>;
      for (const p of [
        '/api/images',
        '/api/images/{id}',
        '/api/overview',
        '/api/accounts',
        '/api/sql',
        '/api/tokens',
        '/api/health',
      ])
        assert.ok(paths[p], `missing ${p}`);
      assert.equal(paths['/api/tokens']!.post!['x-amiwarden-role'], 'admin');
      assert.equal(paths['/api/health']!.get!['x-amiwarden-role'], null);
    });
  });
}
