// Benchmark: 1,000 installed packages matched against 100,000 stored advisory rows (SQLite),
// against a plain read of the advisory table. Prints times and ratios.
// Usage: node --import tsx bench/vulns.ts [--rows N] [--packages N] [--db postgres://...]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { InstalledPackage } from '../src/scan/packages/types.ts';
import { openStore } from '../src/store/db.ts';
import { loadAdvisoryIndex } from '../src/vulns/index-build.ts';
import { matchPackages } from '../src/vulns/match.ts';
import type { AdvisoryRow } from '../src/vulns/model.ts';
import { replaceSourceRows } from '../src/vulns/store.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const ROWS = Number(arg('rows', '100000'));
const PACKAGES = Number(arg('packages', '1000'));
const SOURCES = Math.ceil(ROWS / 5);
const SEV = ['critical', 'high', 'medium', 'low', 'unknown'] as const;

function rows(): AdvisoryRow[] {
  const out: AdvisoryRow[] = [];
  for (let i = 0; i < ROWS; i++) {
    const src = i % SOURCES;
    const kind = i % 10;
    out.push({
      source: 'debian-tracker',
      advisoryId: `CVE-2099-${String(i).padStart(6, '0')}`,
      cves: [`CVE-2099-${String(i).padStart(6, '0')}`],
      distro: 'debian',
      release: '12',
      packageName: `src${src}`,
      packageKind: 'source',
      arch: '',
      status: kind === 0 ? 'no-fix' : kind === 1 ? 'will-not-fix' : 'fixed',
      fixedVersion: kind <= 1 ? null : `1.${i % 7}-${(i % 3) + 1}+deb12u${i % 4}`,
      affectedFrom: null,
      severity: SEV[i % SEV.length]!,
      fixDate: `2026-${String((i % 9) + 1).padStart(2, '0')}-15`,
    });
  }
  return out;
}

function packages(): InstalledPackage[] {
  const out: InstalledPackage[] = [];
  for (let i = 0; i < PACKAGES; i++) {
    // Spread over the sources; a few binaries share one source, as in a real image.
    const src = (i * 7) % SOURCES;
    out.push({
      manager: 'dpkg',
      name: `bin${i}`,
      version: `1.${i % 7}-2+b1`,
      sourceName: `src${src}`,
      sourceVersion: `1.${i % 7}-2`,
      arch: 'amd64',
    });
  }
  return out;
}

async function time<T>(fn: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [performance.now() - t0, v];
}

const dir = mkdtempSync(join(tmpdir(), 'amw-bench-vulns-'));
const target = arg('db', join(dir, 'amiwarden.db'));
const store = await openStore(target);
try {
  const data = rows();
  const [importMs] = await time(() =>
    replaceSourceRows(
      store.db,
      {
        import_id: 'bench',
        kind: 'debian-tracker',
        location: 'bench',
        release: null,
        started_at: '2026-10-01T00:00:00.000Z',
        finished_at: '2026-10-01T00:00:00.000Z',
        status: 'ok',
        rows: 0,
        error: null,
      },
      data,
    ),
  );
  const pkgs = packages();
  const os = { id: 'debian', versionId: '12' };
  const now = new Date('2026-11-23T00:00:00Z');
  const runs = 5;
  let readMs = Infinity;
  let loadMs = Infinity;
  let matchMs = Infinity;
  let scopedMs = Infinity;
  let findings = 0;
  for (let r = 0; r < runs; r++) {
    const [tr, all] = await time(() => store.db.selectFrom('advisory_rows').selectAll().execute());
    readMs = Math.min(readMs, tr);
    const [tl, index] = await time(() => loadAdvisoryIndex(store.db, os));
    loadMs = Math.min(loadMs, tl);
    const [tm, report] = await time(() => matchPackages(pkgs, os, index, now));
    matchMs = Math.min(matchMs, tm);
    findings = report.findings.length;
    // What a scan does: read only the rows naming the image's packages, then match.
    const [ts, scoped] = await time(async () =>
      matchPackages(pkgs, os, await loadAdvisoryIndex(store.db, os, pkgs), now),
    );
    scopedMs = Math.min(scopedMs, ts);
    if (scoped.findings.length !== report.findings.length)
      throw new Error('scoped load changed the findings');
    if (all.length !== ROWS || index.rowCount !== ROWS) throw new Error('row count mismatch');
  }
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `vulns bench: ${PACKAGES} installed packages x ${ROWS} advisory rows (${store.dialect}), best of ${runs}`,
  );
  console.log(
    `  import (one transaction):      ${fmt(importMs)}  (${Math.round(ROWS / (importMs / 1000))} rows/s)`,
  );
  console.log(`  plain read of advisory_rows:   ${fmt(readMs)}`);
  console.log(
    `  load index for debian 12:      ${fmt(loadMs)}  ratio to plain read ${(loadMs / readMs).toFixed(2)}x`,
  );
  console.log(
    `  matchPackages (in memory):     ${fmt(matchMs)}  ratio to plain read ${(matchMs / readMs).toFixed(2)}x`,
  );
  console.log(
    `  load + match:                  ${fmt(loadMs + matchMs)}  ratio to plain read ${((loadMs + matchMs) / readMs).toFixed(2)}x`,
  );
  console.log(
    `  scan path (rows for the image's packages + match): ${fmt(scopedMs)}  ratio to plain read ${(scopedMs / readMs).toFixed(2)}x`,
  );
  console.log(`  findings: ${findings}`);
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
