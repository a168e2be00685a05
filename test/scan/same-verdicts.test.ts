import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanImage } from '../../src/scan/scan-image.ts';
import type { ScanResult } from '../../src/scan/scan-image.ts';
import { mergeTrees, withTree } from '../helpers/tree-spec.ts';
import { readBase } from './case-runner.ts';

/**
 * One image, two access paths: the root tree as a directory and the same tree inside an ext4 disk
 * image (mke2fs -d copies names, modes and owners). Both scans must give the same verdicts.
 */
const mke2fs = ['/usr/sbin/mke2fs', '/sbin/mke2fs'].find((p) => existsSync(p));

const verdicts = (r: ScanResult): string[] =>
  r.controls.map((c) => `${c.catalogId} ${c.control.id} ${c.verdict.status}`).sort();

test(
  'a directory and an ext4 disk image of the same tree get the same verdicts',
  { skip: mke2fs ? false : 'mke2fs not installed' },
  async () => {
    const spec = mergeTrees(readBase('debian12'), {
      files: {
        '/root/.bash_history': 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n',
        '/etc/ssl/private/site.key': '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----\n',
      },
      links: { '/var/lib/dbus/machine-id': '/etc/machine-id' },
    });
    const { root, cleanup } = await withTree(spec);
    const work = mkdtempSync(join(tmpdir(), 'amw-same-'));
    try {
      const img = join(work, 'disk.img');
      const r = spawnSync(mke2fs!, ['-q', '-F', '-t', 'ext4', '-d', root, img, '64M'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const fromDir = await scanImage(`dir:${root}`);
      const fromDisk = await scanImage(`file:${img}`);
      assert.equal(fromDisk.os.id, 'debian');
      assert.equal(fromDisk.packages.status, 'ok');
      assert.deepEqual(verdicts(fromDisk), verdicts(fromDir));
      assert.ok(fromDir.controls.some((c) => c.control.id === 'histories' && c.verdict.status === 'fail'));
    } finally {
      await cleanup();
      rmSync(work, { recursive: true, force: true });
    }
  },
);
