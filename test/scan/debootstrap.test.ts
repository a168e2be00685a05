import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanImage } from '../../src/scan/scan-image.ts';
import { REPORTS } from '../../src/scan/report/index.ts';

/** A real Debian 12 minbase root built by scripts/test-setup/debootstrap.mjs. */
const root = process.env.AMW_TEST_DEBIAN_ROOT;
const skip = root
  ? false
  : `no Debian 12 root: ${process.env.AMW_TEST_DEBIAN_SKIP ?? 'run `npm test` without --no-setup (debootstrap setup)'}`;

function dpkgInstalledCount(admindir: string): number | undefined {
  const r = spawnSync('dpkg-query', ['--admindir', admindir, '-W', '-f', '${db:Status-Status}\\n'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) return undefined;
  return r.stdout.split('\n').filter((l) => l === 'installed').length;
}

test(
  'debootstrap Debian 12: the scan completes, counts every dpkg package, and no check errors out',
  { skip },
  async () => {
    const r = await scanImage(`dir:${root}`);
    assert.equal(r.os.id, 'debian');
    assert.equal(r.os.versionId, '12');
    assert.notEqual(r.completeness, 'failed');
    assert.equal(r.packages.status, 'ok');
    const expected = dpkgInstalledCount(`${root}/var/lib/dpkg`);
    if (r.packages.status === 'ok') {
      if (expected !== undefined)
        assert.equal(r.packages.packages.length, expected, 'package count differs from dpkg-query');
      assert.ok(r.packages.packages.length > 50);
      assert.ok(r.packages.packages.some((p) => p.name === 'base-files'));
    }
    const errors = r.controls.filter((c) => c.verdict.status === 'error');
    assert.deepEqual(
      errors.map((c) => `${c.catalogId} ${c.control.id}: ${(c.verdict as { cause: string }).cause}`),
      [],
    );
    // What debootstrap really leaves behind is found: its own logs.
    const logs = r.controls.find((c) => c.catalogId === 'hygiene' && c.control.id === 'logs');
    assert.equal(logs?.verdict.status, 'fail');
    // Every format renders the real result.
    for (const [id, rep] of Object.entries(REPORTS))
      assert.ok(rep.render(r).length > 100, `${id} report is empty`);
    const sbom = JSON.parse(REPORTS.cyclonedx!.render(r)) as { components: unknown[] };
    assert.equal(sbom.components.length, r.packages.status === 'ok' ? r.packages.packages.length : -1);
  },
);

const mke2fs = ['/usr/sbin/mke2fs', '/sbin/mke2fs'].find((p) => existsSync(p));

test(
  'debootstrap Debian 12 inside an ext4 disk image gets the same verdicts as the directory',
  { skip: skip || (mke2fs ? false : 'mke2fs not installed') },
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'amw-deb-img-'));
    try {
      const img = join(work, 'disk.img');
      const made = spawnSync(mke2fs!, ['-q', '-F', '-t', 'ext4', '-d', root!, img, '600M'], {
        encoding: 'utf8',
      });
      assert.equal(made.status, 0, made.stderr);
      const verdicts = (r: Awaited<ReturnType<typeof scanImage>>): string[] =>
        r.controls.map((c) => `${c.catalogId} ${c.control.id} ${c.verdict.status}`).sort();
      const fromDir = await scanImage(`dir:${root}`);
      const fromDisk = await scanImage(`file:${img}`);
      assert.equal(fromDisk.completeness, fromDir.completeness);
      assert.equal(
        fromDisk.packages.status === 'ok' ? fromDisk.packages.packages.length : -1,
        fromDir.packages.status === 'ok' ? fromDir.packages.packages.length : -2,
      );
      assert.deepEqual(verdicts(fromDisk), verdicts(fromDir));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
);
