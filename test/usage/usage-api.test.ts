// The image page's API explains usage with the same modules as `amiwarden usage`: for the same
// image, clock and threshold, `usage_explanation` is what `amiwarden usage -f json --what-breaks`
// prints (without the image header), on SQLite and PostgreSQL.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { buildServer } from '../../src/server/app.ts';
import { createToken } from '../../src/server/auth/tokens.ts';
import type { TokenTables } from '../../src/server/auth/tokens.ts';
import type { UsageExplanation } from '../../src/server/queries/image-detail.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import { NOW, PARTNER, ami, withUsageEstate } from './harness.ts';

announceSkips();

for (const target of STORE_TARGETS) {
  describe(`image detail API explains usage (${target.name})`, { skip: target.skip }, () => {
    const estate = withUsageEstate(target);
    let app: FastifyInstance | undefined;
    let base = '';
    let token = '';

    before(async () => {
      const tokens = estate.fresh.store.db as unknown as Kysely<TokenTables>;
      token = (await createToken(tokens, 'viewer', 'viewer')).token;
      app = await buildServer({
        store: estate.fresh.store,
        target: estate.fresh.target,
        now: () => new Date(NOW),
      });
      base = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    after(async () => {
      await app?.close();
    });

    const detail = async (path: string) => {
      const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const explained = async (id: string, query = '') => {
      const res = await detail(`/api/images/${id}${query}`);
      assert.equal(res.status, 200);
      return res.body.usage_explanation as UsageExplanation;
    };
    /** What the CLI prints for the image, shaped like the API's field. */
    const cli = async (id: string, ...args: string[]): Promise<UsageExplanation> => {
      const { images, ...set } = await estate.json('--what-breaks', ...args, id);
      const { image: _header, what_breaks, ...report } = images[0]!;
      return { ...set, ...report, what_breaks: what_breaks ?? [] };
    };

    test('every kind of answer equals the CLI: in use, not in use, unknown, deregistered but running', async () => {
      for (const n of ['1', '2', '3', '4', '5', '7', '8', '9']) {
        const api = await explained(ami(n));
        assert.deepEqual(api, await cli(ami(n)), ami(n));
      }
      const unknown = await explained(ami('5'));
      assert.equal(unknown.verdict.status, 'unknown');
      assert.deepEqual(
        unknown.unknown.map((u) => u.account_id),
        [PARTNER],
      );
      // The default threshold is the CLI's: the comparison above ran neither with a flag.
      assert.equal(unknown.stale_days, 180);
      assert.equal(unknown.as_of, NOW);
    });

    test('stale flags follow stale_days like --stale-days; what breaks lists every in-use reference', async () => {
      const dflt = await explained(ami('7'));
      assert.deepEqual(
        dflt.references.filter((r) => r.stale).map((r) => r.ref_id),
        ['lt-0d000000000000b08:1', 'web-ancient-lc'],
      );
      assert.equal(dflt.verdict.text, 'in use by 5 references in 1 account; 2 stale references');
      const strict = await explained(ami('7'), '?stale_days=30');
      assert.deepEqual(strict, await cli(ami('7'), '--stale-days', '30'));
      assert.equal(strict.stale_days, 30);
      assert.deepEqual(
        strict.references.filter((r) => r.stale).map((r) => r.ref_id),
        ['lt-0d000000000000b06:2', 'lt-0d000000000000b08:1', 'web-ancient-lc'],
      );
      assert.deepEqual(
        dflt.what_breaks.map((b) => [b.kind, b.ref_id, b.effect]),
        [
          ['instance', 'i-0d000000000000b07', 'keeps-running'],
          ['launch-template-version', 'lt-0d000000000000b06:2', 'at-risk'],
          ['launch-template-version', 'lt-0d000000000000b08:1', 'breaks'],
          ['launch-template-version', 'lt-0d000000000000b09:1', 'breaks'],
          ['launch-configuration', 'web-ancient-lc', 'breaks'],
        ],
      );
    });

    test('the existing fields stay; a bad stale_days is refused; openapi documents the new field', async () => {
      const res = await detail(`/api/images/${ami('7')}`);
      const usage = res.body.usage as { ref_id: string; in_use: boolean }[];
      assert.deepEqual(
        usage.map((u) => u.ref_id).sort(),
        (res.body.usage_explanation as UsageExplanation).references.map((r) => r.ref_id).sort(),
      );
      assert.ok('image' in res.body && 'launch_permissions' in res.body && 'scans' in res.body);
      for (const q of ['?stale_days=-1', '?stale_days=abc', '?colour=red'])
        assert.equal((await detail(`/api/images/${ami('7')}${q}`)).status, 400, q);
      const doc = (await (await fetch(`${base}/openapi.json`)).json()) as {
        paths: Record<
          string,
          { get: { parameters: { name: string }[]; responses: Record<string, unknown> } }
        >;
      };
      const op = doc.paths['/api/images/{id}']!.get;
      assert.ok(op.parameters.some((p) => p.name === 'stale_days'));
      assert.match(JSON.stringify(op.responses['200']), /"usage_explanation".*"what_breaks"/);
    });
  });
}
