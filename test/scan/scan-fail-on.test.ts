import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCodeFor } from '../../src/cli/commands/scan.ts';
import { scanImage } from '../../src/scan/scan-image.ts';
import { openStore } from '../../src/store/db.ts';
import { importSource } from '../../src/vulns/import.ts';
import { checkScanVulns } from '../../src/vulns/scan-vulns.ts';
import { ubuntuAdvisoryRoot } from '../helpers/ubuntu-advisory-root.ts';

const CLI = fileURLToPath(new URL('../../bin/amiwarden.js', import.meta.url));
const UBUNTU = fileURLToPath(new URL('../fixtures/advisories/ubuntu', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'amw-fail-on-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--fail-on counts an unapplied security fix at or above the threshold, not one below it', async () => {
  const root = ubuntuAdvisoryRoot(dir);
  const db = join(dir, 'adv.db');
  const store = await openStore(db);
  try {
    const imp = await importSource(
      store.db,
      { kind: 'ubuntu-osv', location: UBUNTU },
      () => new Date('2026-11-22T00:00:00Z'),
    );
    assert.equal(imp.error, undefined);
    const scanned = await scanImage(`dir:${root}`, { checks: 'hygiene' });
    // The checks alone do not reach high: whatever trips the gate below is the advisory.
    assert.equal(exitCodeFor(scanned, { failOn: 'high' }), 0);
    const vulns = await checkScanVulns(store.db, scanned, new Date('2026-11-23T00:00:00Z'));
    assert.equal(vulns.status, 'checked');
    const withVulns = { ...scanned, vulns };
    assert.equal(exitCodeFor(withVulns, { failOn: 'high' }), 1);
    assert.equal(exitCodeFor(withVulns, { failOn: 'medium', exitCode: 5 }), 5);
    assert.equal(exitCodeFor(withVulns, { failOn: 'critical' }), 0);
    assert.equal(exitCodeFor(withVulns, {}), 0, 'no gate, no failure');
  } finally {
    await store.close();
  }
  // End to end: the same gate from the command line, reading the advisories from --db.
  const gate = (sev: string): number => {
    try {
      execFileSync(
        process.execPath,
        [
          CLI,
          'scan',
          `dir:${root}`,
          '--checks',
          'hygiene',
          '--db',
          db,
          '--fail-on',
          sev,
          '--exit-code',
          '4',
          '-q',
        ],
        {
          stdio: 'ignore',
        },
      );
      return 0;
    } catch (err) {
      return (err as { status: number }).status;
    }
  };
  assert.equal(gate('high'), 4);
  assert.equal(gate('critical'), 0);
});
