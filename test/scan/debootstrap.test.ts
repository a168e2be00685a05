import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
