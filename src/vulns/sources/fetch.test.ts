import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isAmwError } from '../../errors.ts';
import { fetchSource } from './fetch.ts';

const TEXT = 'Package: libssl3\nVersion: 3.0.15-1~deb12u1\n';
const xz = spawnSync('xz', ['-zc'], { input: TEXT });
const xzMissing = xz.status === 0 ? false : 'xz is not installed: .xz case SKIPPED';
if (xzMissing) console.error(`!!! ${xzMissing}`);

let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'amw-fetch-'));

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/Packages.gz') return res.end(gzipSync(TEXT));
    if (req.url === '/Packages.xz') return res.end(xz.stdout);
    if (req.url === '/Packages') return res.end(TEXT);
    res.statusCode = 404;
    res.end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('plain and gzip over HTTP decode to the same text', async () => {
  assert.deepEqual((await fetchSource(`${base}/Packages`)).texts, [TEXT]);
  assert.deepEqual((await fetchSource(`${base}/Packages.gz`)).texts, [TEXT]);
});

test('xz over HTTP is undone with the xz tool', { skip: xzMissing }, async () => {
  assert.deepEqual((await fetchSource(`${base}/Packages.xz`)).texts, [TEXT]);
});

test('an HTTP error and a missing file are advisory-source errors', async () => {
  await assert.rejects(
    fetchSource(`${base}/nope`),
    (e) => isAmwError(e, 'AMW_ADVISORY_SOURCE') && /404/.test(e.message),
  );
  await assert.rejects(fetchSource(join(dir, 'absent.json')), (e) => isAmwError(e, 'AMW_ADVISORY_SOURCE'));
});

test('a directory yields its .json files in name order, gzip included', async () => {
  const d = join(dir, 'osv');
  mkdirSync(d);
  writeFileSync(join(d, 'b.json'), '{"id":"B"}');
  writeFileSync(join(d, 'a.json'), gzipSync('{"id":"A"}'));
  writeFileSync(join(d, 'README'), 'ignored');
  assert.deepEqual((await fetchSource(d)).texts, ['{"id":"A"}', '{"id":"B"}']);
});
