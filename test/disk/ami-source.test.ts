import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EBSClient } from '@aws-sdk/client-ebs';
import { isAmwError } from '../../src/errors.ts';
import { scanVfs } from '../../src/scan/scan-image.ts';
import type { ScanResult } from '../../src/scan/scan-image.ts';
import { openAmiSource } from '../../src/scan/sources/ami-source.ts';
import type { AmiSourceOptions } from '../../src/scan/sources/ami-source.ts';
import { openFileSource } from '../../src/scan/sources/file-source.ts';
import { credentialsOf, startSimulator } from '../../src/sim/index.ts';
import { simClients } from '../../src/sim/testing.ts';
import { GPT_LINUX, makeDisk } from '../helpers/disk-images.ts';
import { buildVariant } from '../helpers/disk-variants.ts';
import { diskSkip } from '../helpers/variant-check.ts';

const SEED = join(import.meta.dirname, '../fixtures/seeds/ami-scan.yml');
const SCANNER = '720000000001';
const FIXED = () => new Date('2026-11-01T00:00:00Z');

/** What a scan found, without timings or the source's name. */
const findings = (r: ScanResult): unknown => ({
  os: r.os,
  packages: r.packages,
  controls: r.controls,
  counts: r.counts,
  completeness: r.completeness,
  gaps: r.gaps,
});

test(
  'ami: two EBS volumes give the findings file: gives for the same disks; unscannable images say why',
  { skip: diskSkip },
  async () => {
    const work = await mkdtemp(join(tmpdir(), 'amw-ami-'));
    try {
      // One disk (root + /var partitions) for file:, and the same filesystems as two EBS volumes
      // (GPT root disk; bare XFS /var) for ami:.
      const built = await buildVariant('var-partition', join(work, 'v'));
      await makeDisk(join(work, 'root.raw'), 'gpt', [
        { sizeMiB: 48, type: GPT_LINUX, name: 'root', image: join(work, 'v/root.img') },
      ]);
      await copyFile(join(work, 'v/var.img'), join(work, 'var.raw'));
      await copyFile(SEED, join(work, 'seed.yml'));

      const file = await openFileSource(`file:${built.disk}`);
      const expected = await scanVfs(file.vfs, {}, undefined, FIXED).finally(() => file.close());
      assert.equal(expected.completeness, 'complete');
      assert.ok(expected.counts.total > 10, `a real CIS scan (${expected.counts.total} controls)`);

      const sim = await startSimulator({ seed: join(work, 'seed.yml') });
      const ebs = new EBSClient({
        ...sim.clientConfig('us-east-1', credentialsOf(sim.state, SCANNER)),
        maxAttempts: 1,
      });
      const ec2 = simClients(sim, 'us-east-1', SCANNER).ec2;
      const opts: AmiSourceOptions = { ec2, ebs, accountId: SCANNER };
      try {
        const ami = await openAmiSource('ami:ami-07200000000000001', opts);
        try {
          assert.deepEqual(
            ami.extraMounts.map((m) => [m.path, m.disk]),
            [['/var', '/dev/xvdb']],
          );
          const got = await scanVfs(ami.vfs, {}, undefined, FIXED);
          assert.deepEqual(findings(got), findings(expected));
          const blocks = ami.devices.reduce((n, d) => n + d.stats.blockCalls, 0);
          assert.ok(blocks > 0, 'blocks were read through GetSnapshotBlock');
          assert.equal(sim.callCounts()['ebs:GetSnapshotBlock'], blocks);
        } finally {
          await ami.close();
        }

        const unscannable: [string, RegExp][] = [
          ['ami-07200000000000002', /unscannable: AWS Marketplace product prod-amw0000001/],
          [
            'ami-07200000000000003',
            /unscannable: snapshot snap-07200000000000004 is encrypted with .*:720000000002:key\/.*no KMS decrypt right/,
          ],
          [
            'ami-07200000000000005',
            /unscannable: snapshot snap-07200000000000005 is not visible to this account/,
          ],
          ['ami-07200000000000006', /unscannable: snapshot snap-07200000000000006 is public, not shared/],
          ['ami-07200000000000099', /unscannable: image not visible/],
        ];
        for (const [id, reason] of unscannable) {
          sim.resetCallCounts();
          await assert.rejects(openAmiSource(`ami:${id}`, opts), (err: unknown) => {
            assert.ok(isAmwError(err), String(err));
            assert.equal(err.code, 'AMW_SCAN_UNSCANNABLE');
            assert.match(err.message, reason);
            return true;
          });
          // Decided before the first block: no EBS direct call at all.
          const ebsCalls = Object.keys(sim.callCounts()).filter((k) => k.startsWith('ebs:'));
          assert.deepEqual(ebsCalls, [], `${id}: ${JSON.stringify(sim.callCounts())}`);
        }
      } finally {
        ebs.destroy();
        ec2.destroy();
        await sim.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);
