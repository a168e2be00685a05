import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EBSClient, ListSnapshotBlocksCommand } from '@aws-sdk/client-ebs';
import { KMSClient } from '@aws-sdk/client-kms';
import { isAmwError } from '../../src/errors.ts';
import { scanVfs } from '../../src/scan/scan-image.ts';
import { openAmiSource } from '../../src/scan/sources/ami-source.ts';
import type { AmiSourceOptions } from '../../src/scan/sources/ami-source.ts';
import { openFileSource } from '../../src/scan/sources/file-source.ts';
import { credentialsOf, startSimulator } from '../../src/sim/index.ts';
import { simClients } from '../../src/sim/testing.ts';
import { GPT_LINUX, makeDisk } from '../helpers/disk-images.ts';
import { buildVariant } from '../helpers/disk-variants.ts';
import { diskSkip, scanFindings } from '../helpers/variant-check.ts';

const SEED = join(import.meta.dirname, '../fixtures/seeds/ami-scan.yml');
const SCANNER = '720000000001';
const FIXED = () => new Date('2026-11-01T00:00:00Z');

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
      // Fresh clients per phase: a pooled socket left idle through a long scan may meet the
      // server's keep-alive close, and these clients do not retry.
      const connect = () => {
        const creds = sim.clientConfig('us-east-1', credentialsOf(sim.state, SCANNER));
        const ec2 = simClients(sim, 'us-east-1', SCANNER).ec2;
        const ebs = new EBSClient({ ...creds, maxAttempts: 1 });
        const kms = new KMSClient({ ...creds, maxAttempts: 1 });
        const opts: AmiSourceOptions = { ec2, ebs, kms, accountId: SCANNER };
        return { ...opts, opts, destroy: () => [ec2, ebs, kms].forEach((c) => c.destroy()) };
      };
      const c = connect();
      const { opts, ec2, ebs } = c;
      try {
        // Our own image, and another account's encrypted with its key that grants us its use.
        for (const id of ['ami-07200000000000001', 'ami-07200000000000007']) {
          sim.resetCallCounts();
          const fresh = connect();
          const ami = await openAmiSource(`ami:${id}`, fresh.opts);
          try {
            assert.deepEqual(
              ami.extraMounts.map((m) => [m.path, m.disk]),
              [['/var', '/dev/xvdb']],
            );
            const got = await scanVfs(ami.vfs, {}, undefined, FIXED);
            assert.deepEqual(scanFindings(got), scanFindings(expected), id);
            const blocks = ami.devices.reduce((n, d) => n + d.stats.blockCalls, 0);
            assert.ok(blocks > 0, 'blocks were read through GetSnapshotBlock');
            assert.equal(sim.callCounts()['ebs:GetSnapshotBlock'], blocks);
          } finally {
            await ami.close();
            fresh.destroy();
          }
        }
        // The foreign key was asked about once per encrypted snapshot (root and /var).
        assert.equal(sim.callCounts()['kms:GenerateDataKeyWithoutPlaintext'], 2);

        const unscannable: [string, RegExp][] = [
          ['ami-07200000000000002', /unscannable: AWS Marketplace product prod-amw0000001/],
          [
            'ami-07200000000000003',
            /unscannable: snapshot snap-07200000000000004 is encrypted with KMS key arn:aws:kms:us-east-1:720000000002:key\/22222222-3333-4444-5555-666666666666 of account 720000000002: no KMS decrypt right for account 720000000001/,
          ],
          [
            'ami-07200000000000008',
            /unscannable: snapshot snap-07200000000000009 is encrypted with KMS key .*:720000000001:key\/11111111-0000-4000-8000-00000000d15a of account 720000000001, which is Disabled/,
          ],
          [
            'ami-07200000000000009',
            /unscannable: snapshot snap-07200000000000010 is encrypted with KMS key .*:720000000002:key\/.* of account 720000000002, which is PendingDeletion/,
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
        // Without a KMS client a foreign key cannot be checked, so it is not taken as usable.
        await assert.rejects(
          openAmiSource('ami:ami-07200000000000007', { ec2, ebs, accountId: SCANNER }),
          /unscannable: snapshot snap-07200000000000007 .* no KMS client to check that account 720000000001 may decrypt/,
        );
        // What the pre-flight refuses, EBS refuses too: the key's owner did not grant the scanner.
        await assert.rejects(
          ebs.send(new ListSnapshotBlocksCommand({ SnapshotId: 'snap-07200000000000004' })),
          (err: unknown) => {
            const e = err as { name?: string; Reason?: string };
            assert.deepEqual([e.name, e.Reason], ['AccessDeniedException', 'DEPENDENCY_ACCESS_DENIED']);
            return true;
          },
        );
      } finally {
        c.destroy();
        await sim.close();
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  },
);
