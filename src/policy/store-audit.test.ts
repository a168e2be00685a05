import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { STORE_TARGETS, announceSkips } from '../store/testing.ts';
import { StoreAudit, migratePolicyTables, policyDb } from './store-audit.ts';
import { latestScans } from './store-scans.ts';
import type { Kysely } from 'kysely';
import type { ScanTables } from '../scan/store/scan-tables.ts';

announceSkips();

const row = {
  runId: 'run-1',
  time: '2026-11-01T00:00:00.000Z',
  policy: 'p',
  group: 'dev',
  accountId: '111111111111',
  region: 'us-east-1',
  resourceId: 'ami-1',
  action: 'deregister',
};

for (const target of STORE_TARGETS) {
  describe(`${target.name}: policy tables`, { skip: target.skip }, () => {
    test('audit rows and notification requests round-trip; migrating twice is harmless', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const db = policyDb(store.db);
        await migratePolicyTables(db);
        await migratePolicyTables(db);
        const audit = new StoreAudit(db);
        await audit.record({ ...row, outcome: 'skipped', reason: 'in use by instance i-1' });
        await audit.record({ ...row, runId: 'run-2', outcome: 'done', reason: 'deregistered' });
        await audit.notify({ ...row, action: 'notify', payload: { to: ['owner'] } });
        assert.deepEqual(
          (await audit.rows('run-1')).map((r) => [r.group, r.outcome, r.reason]),
          [['dev', 'skipped', 'in use by instance i-1']],
        );
        assert.equal((await audit.rows()).length, 2);
        const n = await db.selectFrom('policy_notifications').selectAll().execute();
        assert.equal(n.length, 1);
        assert.equal(n[0]?.status, 'pending');
        assert.deepEqual(JSON.parse(n[0]?.payload ?? ''), { to: ['owner'] });
      } finally {
        await dispose();
      }
    });

    test('the latest stored scan of an image is summarised by CIS level and hygiene', async () => {
      const { store, dispose } = await target.fresh();
      try {
        const db = store.db as unknown as Kysely<ScanTables>;
        const scan = (id: string, image: string, at: string, completeness: string) => ({
          scan_id: id,
          image_id: image,
          source: 'test',
          started_at: at,
          duration_ms: 1,
          os_id: 'debian',
          os_version: '12',
          os_name: 'Debian',
          completeness,
          gaps: '[]',
          packages_status: 'ok',
          package_count: 0,
          passed: 0,
          failed: 0,
          manual: 0,
          not_applicable: 0,
          errors: 0,
        });
        await db
          .insertInto('scans')
          .values([
            scan('s-old', 'ami-1', '2026-10-01T00:00:00Z', 'complete'),
            scan('s-new', 'ami-1', '2026-10-20T00:00:00Z', 'partial'),
          ])
          .execute();
        const control = (scanId: string, catalog: string, id: string, status: string) => ({
          scan_id: scanId,
          catalog_id: catalog,
          control_id: id,
          title: id,
          section: 's',
          status,
          severity: 'medium',
          reason: null,
        });
        await db
          .insertInto('scan_controls')
          .values([
            control('s-old', 'cis-debian12', '1.1.1.1', 'fail'),
            control('s-new', 'cis-debian12', '1.1.1.1', 'fail'),
            control('s-new', 'cis-debian12', '1.1.1.2', 'pass'),
            control('s-new', 'hygiene', 'ssh-host-keys', 'fail'),
          ])
          .execute();
        const got = await latestScans(db);
        assert.deepEqual([...got.keys()], ['ami-1']);
        assert.deepEqual(got.get('ami-1'), {
          scannedAt: '2026-10-20T00:00:00Z',
          complete: false,
          cisFailures: { '1': 1 },
          hygieneFindings: 1,
          missingSecurityUpdates: undefined,
        });
      } finally {
        await dispose();
      }
    });
  });
}
