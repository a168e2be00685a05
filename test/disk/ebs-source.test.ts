import '../../src/aws/sdk-node-warning.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EBSClient } from '@aws-sdk/client-ebs';
import { diskSkip } from '../helpers/variant-check.ts';
import { buildFuzzImages } from '../helpers/fuzz-images.ts';
import { describeVfsTree } from '../helpers/fixture-disk-tree.ts';
import { EbsSnapshotDevice, openEbsSource } from '../../src/scan/sources/ebs-source.ts';
import { openFileSource } from '../../src/scan/sources/file-source.ts';
import { isAmwError } from '../../src/errors.ts';

const BLOCK = 512 * 1024;

interface Served {
  url: string;
  requests: Map<number, number>;
  inFlight: { now: number; max: number };
  /** Block index -> failures still to inject: 'http500' or 'badsum'. */
  faults: Map<number, { kind: 'http500' | 'badsum'; times: number }>;
  close(): Promise<void>;
}

/** The EBS direct API's two read calls over loopback, for one snapshot whose disk is `disk`. */
async function serveSnapshot(disk: Buffer, snapshotId: string): Promise<Served> {
  const written: number[] = [];
  for (let i = 0; i * BLOCK < disk.length; i++) {
    if (disk.subarray(i * BLOCK, (i + 1) * BLOCK).some((b) => b !== 0)) written.push(i);
  }
  const requests = new Map<number, number>();
  const inFlight = { now: 0, max: 0 };
  const faults = new Map<number, { kind: 'http500' | 'badsum'; times: number }>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const list = url.pathname === `/snapshots/${snapshotId}/blocks`;
    const get = /^\/snapshots\/([^/]+)\/blocks\/(\d+)$/.exec(url.pathname);
    if (list) {
      // Small pages, so the client has to follow NextToken.
      const start = Number(url.searchParams.get('pageToken') ?? 0);
      const page = written.slice(start, start + 7);
      const next = start + 7 < written.length ? String(start + 7) : undefined;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          Blocks: page.map((i) => ({ BlockIndex: i, BlockToken: `tok-${i}` })),
          BlockSize: BLOCK,
          VolumeSize: 1,
          ExpiryTime: 2_000_000_000,
          ...(next ? { NextToken: next } : {}),
        }),
      );
      return;
    }
    if (get && get[1] === snapshotId) {
      const index = Number(get[2]);
      if (url.searchParams.get('blockToken') !== `tok-${index}`) {
        res.statusCode = 400;
        res.end(JSON.stringify({ message: 'bad token' }));
        return;
      }
      requests.set(index, (requests.get(index) ?? 0) + 1);
      inFlight.now++;
      inFlight.max = Math.max(inFlight.max, inFlight.now);
      // Answer on a later turn so parallel requests really overlap.
      setImmediate(() => {
        inFlight.now--;
        const data = Buffer.alloc(BLOCK);
        disk.copy(data, 0, index * BLOCK, Math.min(disk.length, (index + 1) * BLOCK));
        const fault = faults.get(index);
        if (fault && fault.times > 0) fault.times--;
        if (fault && fault.kind === 'http500' && fault.times >= 0 && requests.get(index) === 1) {
          res.statusCode = 500;
          res.end(JSON.stringify({ message: 'internal' }));
          return;
        }
        const sum = createHash('sha256')
          .update(fault?.kind === 'badsum' ? Buffer.from('other') : data)
          .digest('base64');
        res.setHeader('x-amz-Data-Length', String(BLOCK));
        res.setHeader('x-amz-Checksum', sum);
        res.setHeader('x-amz-Checksum-Algorithm', 'SHA256');
        res.setHeader('content-type', 'application/octet-stream');
        res.end(data);
      });
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    inFlight,
    faults,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

const client = (url: string): EBSClient =>
  new EBSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });

test(
  'ebs: reads a snapshot through the EBS direct API and shows what file: shows',
  { skip: diskSkip },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-ebs-'));
    try {
      const { gpt } = await buildFuzzImages(work);
      await writeFile(join(work, 'disk.img'), gpt);
      const served = await serveSnapshot(gpt, 'snap-0123abcd');
      try {
        served.faults.set(0, { kind: 'http500', times: 1 });
        const ebs = await openEbsSource('ebs:snap-0123abcd', { client: client(served.url) });
        assert.ok(ebs.device.stats.listCalls > 1, 'paged block list');
        assert.equal((await ebs.vfs.stat('/etc/shadow')).gid, 42);
        assert.match((await ebs.vfs.readFile('/etc/os-release')).toString(), /ID=fuzz/);
        const listed = [...Array(Math.ceil(gpt.length / BLOCK)).keys()].filter((i) =>
          gpt.subarray(i * BLOCK, (i + 1) * BLOCK).some((b) => b !== 0),
        ).length;
        const fetchedForLookup = served.requests.size;
        assert.ok(fetchedForLookup < listed / 2, `a lookup fetched ${fetchedForLookup} of ${listed} blocks`);
        assert.equal(served.requests.get(0), 2, 'block 0 was retried after a 500');

        const file = await openFileSource(join(work, 'disk.img'));
        assert.deepEqual(await describeVfsTree(ebs.vfs, true), await describeVfsTree(file.vfs, true));
        await file.close();
        for (const [index, n] of served.requests) assert.ok(n <= 2, `block ${index} fetched ${n} times`);
        assert.ok(served.inFlight.max <= 16, `at most 16 in flight, saw ${served.inFlight.max}`);
        const calls = ebs.device.stats.blockCalls;
        const beyond = await ebs.device.read(512 * 1024 * 1024 - 100, 4096);
        assert.ok(beyond.every((b) => b === 0));
        assert.equal(ebs.device.stats.blockCalls, calls, 'unwritten blocks read as zeros without a call');
        assert.equal(ebs.device.stats.zeroBlocks, 2);
        await ebs.close();
        // A cold device asked for a long range fetches its blocks in parallel, up to the limit.
        const cold = await EbsSnapshotDevice.open('snap-0123abcd', {
          client: client(served.url),
          concurrency: 4,
        });
        await cold.read(0, 16 * BLOCK);
        assert.equal(cold.stats.maxInFlight, 4);

        served.faults.clear();
        served.requests.clear();
        served.faults.set(0, { kind: 'badsum', times: 99 });
        await assert.rejects(
          openEbsSource('ebs:snap-0123abcd', { client: client(served.url), retries: 2 }),
          (e: unknown) => isAmwError(e, 'AMW_EBS_BLOCK') && /checksum mismatch/.test(e.message),
        );
        assert.equal(served.requests.get(0), 3);
      } finally {
        await served.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);
