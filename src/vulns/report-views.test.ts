import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InstalledPackage } from '../scan/packages/types.ts';
import { overdueFixes, vulnFacts } from './facts.ts';
import { buildAdvisoryIndex } from './index-build.ts';
import { matchPackages } from './match.ts';
import type { AdvisoryRow } from './model.ts';
import { vulnSarif } from './sarif.ts';

const row = (over: Partial<AdvisoryRow>): AdvisoryRow & { firstSeen: string } => ({
  source: 'ubuntu-osv',
  advisoryId: 'USN-1-1',
  cves: ['CVE-2099-1'],
  distro: 'ubuntu',
  release: '24.04',
  packageName: 'openssl',
  packageKind: 'source',
  arch: '',
  status: 'fixed',
  fixedVersion: '3.0.13-0ubuntu3.2',
  affectedFrom: null,
  severity: 'critical',
  fixDate: '2026-11-01',
  firstSeen: '2026-11-02T00:00:00.000Z',
  ...over,
});

const os = { id: 'ubuntu', versionId: '24.04' };
const pkgs: InstalledPackage[] = [
  { manager: 'dpkg', name: 'libssl3t64', version: '3.0.13-0ubuntu3.1', sourceName: 'openssl' },
  { manager: 'dpkg', name: 'openssl', version: '3.0.13-0ubuntu3.1' },
  { manager: 'dpkg', name: 'vim', version: '2:9.1.0016-1ubuntu7' },
];
const index = buildAdvisoryIndex(
  [
    row({}),
    row({ advisoryId: 'USN-2-1', severity: 'medium', fixDate: '2026-11-20', cves: ['CVE-2099-2'] }),
    row({
      advisoryId: 'UBUNTU-CVE-2099-3',
      packageName: 'vim',
      status: 'no-fix',
      fixedVersion: null,
      fixDate: null,
      severity: 'low',
    }),
    row({ release: '22.04', advisoryId: 'USN-9-1' }),
  ],
  os,
);
const report = matchPackages(pkgs, os, index, new Date('2026-11-23T00:00:00Z'));

test('facts count distinct advisories, not packages: two binaries of one source are one missing update', () => {
  assert.deepEqual(vulnFacts(report), {
    missingSecurityUpdates: 2,
    missingBySeverity: { critical: 1, high: 0, medium: 1, low: 0, negligible: 0, unknown: 0 },
    unfixed: 1,
    oldestFixAgeDays: 22,
    pendingUpdates: 0,
  });
});

test('overdue fixes: critical older than 14 days, medium and up older than 14 days', () => {
  assert.deepEqual(
    overdueFixes(report, 'critical', 14).map((f) => [f.advisoryId, f.package]),
    [
      ['USN-1-1', 'libssl3t64'],
      ['USN-1-1', 'openssl'],
    ],
  );
  // USN-2-1 is medium but only 3 days old.
  assert.equal(overdueFixes(report, 'medium', 14).length, 2);
  assert.equal(overdueFixes(report, 'medium', 2).length, 4);
});

test('SARIF: one rule per advisory, one result per package, unfixed ones as notes', () => {
  const s = vulnSarif(report);
  assert.deepEqual(
    (s.rules as Array<{ id: string }>).map((r) => r.id),
    ['USN-1-1', 'USN-2-1', 'UBUNTU-CVE-2099-3'],
  );
  const results = s.results as Array<{ ruleId: string; level: string; message: { text: string } }>;
  assert.deepEqual(
    results.map((r) => [r.ruleId, r.level]),
    [
      ['USN-1-1', 'error'],
      ['USN-1-1', 'error'],
      ['USN-2-1', 'warning'],
      ['USN-2-1', 'warning'],
      ['UBUNTU-CVE-2099-3', 'note'],
    ],
  );
  assert.equal(
    results[0]?.message.text,
    'libssl3t64 3.0.13-0ubuntu3.1 (source openssl): fixed in 3.0.13-0ubuntu3.2 since 2026-11-01 (22 days), not applied',
  );
  assert.match(results[4]!.message.text, /no fix available yet/);
});
