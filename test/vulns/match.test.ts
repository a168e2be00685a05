import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import type { InstalledPackage } from '../../src/scan/packages/types.ts';
import { STORE_TARGETS, announceSkips } from '../../src/store/testing.ts';
import type { Store } from '../../src/store/db.ts';
import { importSource } from '../../src/vulns/import.ts';
import type { SourceSpec } from '../../src/vulns/import.ts';
import { loadAdvisoryIndex } from '../../src/vulns/index-build.ts';
import { matchPackages } from '../../src/vulns/match.ts';
import type { VulnReport } from '../../src/vulns/findings.ts';

const fixture = (p: string) => fileURLToPath(new URL(`../fixtures/advisories/${p}`, import.meta.url));
const at = (iso: string) => () => new Date(iso);
const NOW = new Date('2026-11-23T12:00:00Z');

const deb = (name: string, version: string, extra: Partial<InstalledPackage> = {}): InstalledPackage => ({
  manager: 'dpkg',
  name,
  version,
  arch: 'amd64',
  ...extra,
});
const rpm = (name: string, version: string, extra: Partial<InstalledPackage> = {}): InstalledPackage => ({
  manager: 'rpm',
  name,
  version,
  arch: 'x86_64',
  ...extra,
});

function brief(report: VulnReport) {
  return report.findings.map((f) => [
    f.advisoryId,
    f.package,
    f.installed,
    f.fixedVersion,
    f.status,
    f.severity,
    f.fixAgeDays,
  ]);
}

async function importAll(store: Store, specs: SourceSpec[], when: string) {
  for (const spec of specs) {
    const r = await importSource(store.db, spec, at(when));
    assert.equal(r.error, undefined, `${spec.kind} ${spec.location}: ${r.error}`);
  }
}

announceSkips();
for (const target of STORE_TARGETS) {
  describe(`advisory import and matching (${target.name})`, { skip: target.skip }, () => {
    const disposers: Array<() => Promise<void>> = [];
    after(async () => {
      for (const d of disposers) await d();
    });
    const fresh = async () => {
      const f = await target.fresh();
      disposers.push(f.dispose);
      return f.store;
    };

    test('Debian: source-package advisories, binNMU-style source versions, no-fix, will-not-fix, pending updates', async () => {
      const store = await fresh();
      const specs: SourceSpec[] = [
        { kind: 'debian-tracker', location: fixture('debian/tracker.json') },
        {
          kind: 'debian-packages',
          location: fixture('debian/bookworm-security_main_binary-amd64_Packages'),
          release: 'bookworm-security',
        },
        {
          kind: 'debian-packages',
          location: fixture('debian/bookworm-updates_main_binary-amd64_Packages'),
          release: 'bookworm-updates',
        },
      ];
      await importAll(store, specs, '2026-11-01T00:00:00Z');
      // A later import of unchanged data keeps the date each fix was first seen.
      await importAll(store, specs, '2026-11-10T00:00:00Z');
      const os = { id: 'debian', versionId: '12' };
      const packages = [
        deb('libssl3', '3.0.11-1~deb12u2', { sourceName: 'openssl' }),
        deb('openssl', '3.0.11-1~deb12u2'),
        // cpp's own version (4:12.2.0-3) is far above the fix; its source gcc-defaults 1.203 is not.
        deb('cpp', '4:12.2.0-3', { sourceName: 'gcc-defaults', sourceVersion: '1.203' }),
        deb('bash', '5.2.15-2'),
        deb('zlib1g', '1:1.2.13.dfsg-1', { sourceName: 'zlib' }),
        deb('tzdata', '2024a-0+deb12u1', { arch: 'all' }),
      ];
      const report = matchPackages(packages, os, await loadAdvisoryIndex(store.db, os), NOW);
      assert.deepEqual(brief(report), [
        ['CVE-2099-0001', 'libssl3', '3.0.11-1~deb12u2', '3.0.15-1~deb12u1', 'fixed', 'high', 22],
        ['CVE-2099-0001', 'openssl', '3.0.11-1~deb12u2', '3.0.15-1~deb12u1', 'fixed', 'high', 22],
        ['CVE-2099-0005', 'cpp', '1.203', '1.204', 'fixed', 'medium', 22],
        ['CVE-2099-0002', 'libssl3', '3.0.11-1~deb12u2', null, 'no-fix', 'medium', null],
        ['CVE-2099-0002', 'openssl', '3.0.11-1~deb12u2', null, 'no-fix', 'medium', null],
        ['CVE-2099-0003', 'libssl3', '3.0.11-1~deb12u2', null, 'will-not-fix', 'low', null],
        ['CVE-2099-0003', 'openssl', '3.0.11-1~deb12u2', null, 'will-not-fix', 'low', null],
      ]);
      assert.equal(report.findings[0]?.fixDateSource, 'first-seen');
      assert.equal(report.findings[0]?.sourcePackage, 'openssl');
      assert.deepEqual(
        report.pendingUpdates.map((p) => [p.package, p.installed, p.candidate, p.suite]),
        [
          ['libssl3', '3.0.11-1~deb12u2', '3.0.15-1~deb12u1', 'bookworm-security'],
          ['openssl', '3.0.11-1~deb12u2', '3.0.15-1~deb12u1', 'bookworm-security'],
          ['tzdata', '2024a-0+deb12u1', '2025b-0+deb12u1', 'bookworm-updates'],
        ],
      );
      assert.deepEqual(report.summary.bySeverity.high, { fixAvailable: 2, noFix: 0, willNotFix: 0 });
      assert.deepEqual(report.summary.bySeverity.medium, { fixAvailable: 1, noFix: 2, willNotFix: 0 });
      assert.equal(report.summary.oldestUnappliedFix?.fixDate, '2026-11-01');
      assert.equal(report.summary.pendingUpdates, 3);
      assert.ok(
        report.warnings.some((w) => /debian-tracker is 13 days old/.test(w)),
        report.warnings.join('; '),
      );
    });

    test('Ubuntu 22.04: USN fix dated by publication, binaries share their source, CVE without fix', async () => {
      const store = await fresh();
      await importAll(store, [{ kind: 'ubuntu-osv', location: fixture('ubuntu') }], '2026-11-20T00:00:00Z');
      const os = { id: 'ubuntu', versionId: '22.04' };
      const packages = [
        deb('libcurl4', '7.81.0-1ubuntu1.17', { sourceName: 'curl' }),
        deb('curl', '7.81.0-1ubuntu1.18'),
        deb('vim', '2:8.2.3995-1ubuntu2.21'),
      ];
      const report = matchPackages(packages, os, await loadAdvisoryIndex(store.db, os), NOW);
      assert.deepEqual(brief(report), [
        ['USN-9901-1', 'libcurl4', '7.81.0-1ubuntu1.17', '7.81.0-1ubuntu1.18', 'fixed', 'high', 53],
        ['UBUNTU-CVE-2099-1002', 'vim', '2:8.2.3995-1ubuntu2.21', null, 'no-fix', 'medium', null],
      ]);
      assert.equal(report.findings[0]?.fixDateSource, 'feed');
      assert.deepEqual(report.warnings, []);
      // Loading only the image's packages: none named in the feed is "nothing applies", not "no data".
      const zsh = [deb('zsh', '5.8.1-1')];
      const scoped = await loadAdvisoryIndex(store.db, os, zsh);
      assert.equal(scoped.rowCount, 0);
      assert.deepEqual(matchPackages(zsh, os, scoped, NOW).warnings, []);
      const focal = { id: 'ubuntu', versionId: '20.04' };
      assert.match(
        matchPackages(zsh, focal, await loadAdvisoryIndex(store.db, focal, zsh), NOW).warnings.join(),
        /no advisory data for ubuntu 20\.04/,
      );
      // 24.04 rows exist but do not leak into 22.04, and the reverse.
      const noble = { id: 'ubuntu', versionId: '24.04' };
      const r2 = matchPackages(
        [deb('libcurl4t64', '8.5.0-2ubuntu10.4', { sourceName: 'curl' })],
        noble,
        await loadAdvisoryIndex(store.db, noble),
        NOW,
      );
      assert.deepEqual(brief(r2), [
        ['USN-9901-1', 'libcurl4t64', '8.5.0-2ubuntu10.4', '8.5.0-2ubuntu10.5', 'fixed', 'high', 53],
      ]);
    });

    test('Amazon Linux 2023: ALAS by binary package, arch and epoch honoured, newer package clean', async () => {
      const store = await fresh();
      await importAll(
        store,
        [{ kind: 'alas', location: fixture('amzn/updateinfo.xml') }],
        '2026-11-20T00:00:00Z',
      );
      const os = { id: 'amzn', versionId: '2023' };
      const packages = [
        rpm('curl-minimal', '8.5.0-1.amzn2023.0.2'),
        rpm('libcurl-minimal', '8.5.0-1.amzn2023.0.2'),
        rpm('openssh-server', '8.7p1-1.amzn2023.0.3'),
        rpm('sudo', '1.9.14-1.amzn2023', { epoch: 1 }),
        rpm('bash', '5.2.15-1.amzn2023'),
      ];
      const report = matchPackages(packages, os, await loadAdvisoryIndex(store.db, os), NOW);
      assert.deepEqual(brief(report), [
        [
          'ALAS2023-2099-103',
          'sudo',
          '1.9.14-1.amzn2023',
          '1:1.9.15-1.amzn2023.0.1',
          'fixed',
          'critical',
          22,
        ],
        [
          'ALAS2023-2099-101',
          'curl-minimal',
          '8.5.0-1.amzn2023.0.2',
          '8.5.0-1.amzn2023.0.3',
          'fixed',
          'high',
          51,
        ],
        [
          'ALAS2023-2099-101',
          'libcurl-minimal',
          '8.5.0-1.amzn2023.0.2',
          '8.5.0-1.amzn2023.0.3',
          'fixed',
          'high',
          51,
        ],
      ]);
      assert.deepEqual(report.findings[1]?.cves, ['CVE-2099-2001', 'CVE-2099-2002']);
      assert.equal(report.summary.oldestUnappliedFix?.advisoryId, 'ALAS2023-2099-101');
      assert.equal(report.summary.bySeverity.critical.fixAvailable, 1);
    });

    test('generic OSV (Rocky Linux 9): point releases map to the major, rpm epochs compared', async () => {
      const store = await fresh();
      await importAll(
        store,
        [{ kind: 'osv', location: fixture('osv/rocky-9.json') }],
        '2026-11-20T00:00:00Z',
      );
      const os = { id: 'rocky', versionId: '9.3' };
      const report = matchPackages(
        [rpm('openssl-libs', '3.0.7-25.el9_3', { epoch: 1 }), rpm('bash', '5.1.8-6.el9')],
        os,
        await loadAdvisoryIndex(store.db, os),
        NOW,
      );
      assert.deepEqual(brief(report), [
        ['RLSA-2099:0101', 'openssl-libs', '3.0.7-25.el9_3', '1:3.0.7-27.el9_4', 'fixed', 'high', 95],
      ]);
    });

    test('an unreadable source is recorded as a failed import and keeps the earlier rows', async () => {
      const store = await fresh();
      const spec: SourceSpec = { kind: 'alas', location: fixture('amzn/updateinfo.xml') };
      await importAll(store, [spec], '2026-11-20T00:00:00Z');
      const bad = await importSource(
        store.db,
        { kind: 'alas', location: fixture('amzn/missing.xml') },
        at('2026-11-21T00:00:00Z'),
      );
      assert.match(bad.error ?? '', /missing\.xml/);
      const imports = await store.db
        .selectFrom('advisory_imports')
        .select(['status', 'location'])
        .orderBy('started_at')
        .execute();
      assert.deepEqual(
        imports.map((i) => i.status),
        ['ok', 'failed'],
      );
      const os = { id: 'amzn', versionId: '2023' };
      assert.equal((await loadAdvisoryIndex(store.db, os)).rowCount, 5);
    });
  });
}
