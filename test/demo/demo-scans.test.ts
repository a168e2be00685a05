// `amiwarden demo` through the real binary: it collects the demo estate, then scans its images
// through the simulator's EBS direct API and stores each scan. Expectations are the failures
// src/sim/seeds/rootfs/web.yml plants ("PLANTED:") and the unscannable images demo.yml marks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { openStore } from '../../src/store/db.ts';
import { diskToolsMissing } from '../helpers/disk-images.ts';

const BIN = fileURLToPath(new URL('../../bin/amiwarden.js', import.meta.url));

function demo(db: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, 'demo', '--db', db, '-q'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '/tmp',
          AWS_EC2_METADATA_DISABLED: 'true',
        },
        timeout: 180_000,
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface ScanRow {
  scan_id: string;
  image_id: string;
  source: string;
  os_id: string;
  os_version: string;
  completeness: string;
  gaps: string;
  package_count: number;
  passed: number;
  failed: number;
}

test(
  'demo stores a complete scan of each image with content and the reason of each unscannable one',
  { skip: diskToolsMissing() },
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amw-demo-scan-'));
    try {
      const db = join(dir, 'demo.db');
      const r = await demo(db);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Image scans \(EBS direct API/);
      assert.match(
        r.stdout,
        /ami-02100000000000008 acme-web-2026-10 +Debian GNU\/Linux 12 \(bookworm\) +\d+ pass, \d+ fail, \d+ manual; \d+\/\d+ blocks fetched/,
      );
      assert.match(r.stdout, /ami-0b100000000000001 .* unscannable: AWS Marketplace product/);

      const store = await openStore(db, { readOnly: true, migrate: false });
      try {
        const rows = (await sql<ScanRow>`select * from scans order by image_id`.execute(store.db)).rows;
        const byImage = new Map(rows.map((row) => [row.image_id, row]));
        assert.equal(rows.length, byImage.size, 'one scan per image');

        for (const id of ['ami-02100000000000007', 'ami-02100000000000008']) {
          const s = byImage.get(id);
          assert.ok(s, `${id} was scanned`);
          assert.equal(s.completeness, 'complete', `${id}: ${s.gaps}`);
          assert.equal(s.source, `ami:${id}`);
          assert.deepEqual([s.os_id, s.os_version], ['debian', '12']);
          // The package database sits under /var: on the two-volume image it is read from /dev/xvdb.
          assert.ok(s.package_count >= 15, `${id}: ${s.package_count} packages`);
          assert.ok(s.passed > 50 && s.failed > 0);
        }

        const web = byImage.get('ami-02100000000000008')!;
        const failing = (
          await sql<{ control: string }>`select catalog_id || ' ' || control_id as control from scan_controls
          where scan_id = ${web.scan_id} and status = 'fail'`.execute(store.db)
        ).rows.map((c) => c.control);
        for (const planted of [
          'cis-debian12 5.1.20',
          'cis-debian12 7.1.11',
          'cis-debian12 7.2.10',
          'hygiene credentials',
        ])
          assert.ok(failing.includes(planted), `${planted} fails`);
        const findings = (
          await sql<{
            control_id: string;
            message: string;
            path: string | null;
          }>`select control_id, message, path
          from scan_findings where scan_id = ${web.scan_id}`.execute(store.db)
        ).rows;
        const about = (control: string) =>
          findings
            .filter((f) => f.control_id === control)
            .map((f) => `${f.path ?? ''} ${f.message}`)
            .join('\n');
        assert.match(about('5.1.20'), /PermitRootLogin/);
        assert.match(about('7.1.11'), /\/opt\/acme-web\/etc\/upload\.conf/);
        assert.match(about('credentials'), /\/root\/\.netrc/);
        // What the tree gets right passes: shadow's mode and group, the sshd baseline.
        const passing = (
          await sql<{ control_id: string }>`select control_id from scan_controls
          where scan_id = ${web.scan_id} and status = 'pass'`.execute(store.db)
        ).rows.map((c) => c.control_id);
        for (const ok of ['7.1.5', '7.1.1']) assert.ok(passing.includes(ok), `${ok} passes`);

        const unscannable: [string, RegExp][] = [
          ['ami-0b100000000000001', /AWS Marketplace product/],
          ['ami-0c200000000000001', /snapshot snap-0c200000000000001 is public, not shared/],
          ['ami-0e100000000000001', /snapshot snap-0e100000000000001 is not visible to this account/],
          ['ami-0a100000000000001', /not visible to this account/],
        ];
        for (const [id, reason] of unscannable) {
          const s = byImage.get(id);
          assert.ok(s, `${id} is listed`);
          assert.equal(s.completeness, 'unscannable');
          const gaps = JSON.parse(s.gaps) as { part: string; reason: string }[];
          assert.match(gaps.find((g) => g.part === 'source')?.reason ?? '', reason);
          const controls = await sql<{
            n: number;
          }>`select count(*) as n from scan_controls where scan_id = ${s.scan_id}`.execute(store.db);
          assert.equal(Number(controls.rows[0]!.n), 0, 'never a clean scan');
        }
        // Images without content (the rest of the estate) are not scanned at all.
        assert.ok(!byImage.has('ami-02100000000000001'));
      } finally {
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
);
