import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { main } from '../../src/cli/main.ts';
import { exitCodeFor } from '../../src/cli/commands/scan.ts';
import { scanVfs } from '../../src/scan/scan-image.ts';
import { createMemo, runRule } from '../../src/scan/checks/engine.ts';
import { loadCheckSet } from '../../src/scan/checks/loader.ts';
import { REPORTS } from '../../src/scan/report/index.ts';
import { DirVfs } from '../../src/scan/vfs/dir-vfs.ts';
import { mergeTrees, withTree } from '../helpers/tree-spec.ts';
import type { TreeSpec } from '../helpers/tree-spec.ts';
import { readBase } from './case-runner.ts';
import { writeRpmdbSqlite } from './rpmdb-fixture.ts';
import type { RpmFixturePackage } from './rpmdb-fixture.ts';

/** Debian 12 base with planted hygiene failures: a builder key, a history with a key id, AWS credentials. */
const planted: TreeSpec = {
  files: {
    '/root/.ssh/authorized_keys': 'ssh-rsa AAAAB3NzaC1yc2E packer_1234\n',
    '/root/.bash_history': 'export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n',
    '/home/admin/.aws/credentials': '[default]\n',
    '/etc/machine-id': '4c4c4544004e3510804cb7c04f4b3132\n',
  },
};

async function scanOf(spec: TreeSpec, sel = {}, rpmdb?: readonly RpmFixturePackage[]) {
  const { root, cleanup } = await withTree(spec);
  try {
    if (rpmdb) writeRpmdbSqlite(join(root, 'var/lib/rpm/rpmdb.sqlite'), rpmdb);
    return { result: await scanVfs(new DirVfs(root), sel), root };
  } finally {
    await cleanup();
  }
}

test('planted hygiene failures are found; every report format carries them', async () => {
  const { result } = await scanOf(mergeTrees(readBase('debian12'), planted), { checks: 'hygiene' });
  assert.equal(result.os.id, 'debian');
  assert.equal(result.packages.status, 'ok');
  const status = new Map(result.controls.map((c) => [c.control.id, c.verdict.status]));
  for (const id of ['ssh-authorized-keys', 'build-leftovers', 'histories', 'credentials', 'machine-id'])
    assert.equal(status.get(id), 'fail', id);
  assert.equal(status.get('private-keys'), 'pass');

  const sarif = JSON.parse(REPORTS.sarif!.render(result)) as {
    version: string;
    runs: Array<{
      results: Array<{ ruleId: string; locations?: unknown[] }>;
      tool: { driver: { rules: unknown[] } };
    }>;
  };
  assert.equal(sarif.version, '2.1.0');
  assert.ok(sarif.runs[0]!.results.some((r) => r.ruleId === 'credential-files-absent' && r.locations));

  const junit = REPORTS.junit!.render(result);
  assert.equal(XMLValidator.validate(junit), true);
  const parsed = new XMLParser({ ignoreAttributes: false }).parse(junit) as {
    testsuites: { '@_failures': string };
  };
  assert.equal(Number(parsed.testsuites['@_failures']), result.counts.fail);

  const html = REPORTS.html!.render(result);
  assert.match(html, /^<!doctype html>/);
  assert.ok(!/<script|https?:\/\/[^"]*\.(css|js)/.test(html), 'the HTML report is self-contained');
  assert.match(REPORTS.table!.render(result), /FAIL\s+credentials/);

  const bom = JSON.parse(REPORTS.cyclonedx!.render(result)) as {
    specVersion: string;
    serialNumber: string;
    components: Array<{ name: string; purl: string }>;
  };
  assert.equal(bom.specVersion, '1.5');
  assert.match(
    bom.serialNumber,
    /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  const login = bom.components.find((c) => c.name === 'login');
  assert.equal(login?.purl, 'pkg:deb/debian/login@1%3A4.13%2Bdfsg1-1%2Bb1?arch=amd64&distro=debian-12');
});

test('an image without os-release is a failed scan (exit 2), never clean; hygiene still runs', async () => {
  const { result } = await scanOf({
    files: { '/etc/hostname': 'x\n', '/root/.netrc': 'machine a login b password c\n' },
  });
  assert.equal(result.completeness, 'failed');
  assert.equal(result.os.id, 'unknown');
  assert.ok(result.gaps.some((g) => g.part === 'os'));
  assert.equal(result.controls.find((c) => c.control.id === 'credentials')?.verdict.status, 'fail');
  assert.equal(exitCodeFor(result, {}), 2);
});

test('exit codes: --fail-on by severity, --exit-code, partial scans cannot pass a threshold', async () => {
  const al = readBase('al2023');
  const { result } = await scanOf(mergeTrees(al, planted), { checks: 'hygiene' }, al.rpmdb);
  assert.equal(result.os.id, 'amzn');
  assert.equal(result.packages.status, 'ok');
  const complete = { ...result, completeness: 'complete' as const, gaps: [] };
  assert.equal(exitCodeFor(complete, {}), 0);
  assert.equal(exitCodeFor(complete, { failOn: 'critical' }), 1);
  assert.equal(exitCodeFor(complete, { failOn: 'critical', exitCode: 7 }), 7);
  const clean = { ...complete, controls: complete.controls.filter((c) => c.verdict.status !== 'fail') };
  assert.equal(exitCodeFor(clean, { failOn: 'low' }), 0);
  assert.equal(exitCodeFor({ ...clean, completeness: 'partial' as const }, { failOn: 'low' }), 1);
});

test('the scan command end to end: writes the chosen format to -o and sets the exit code', async () => {
  const { root, cleanup } = await withTree(mergeTrees(readBase('ubuntu2404'), planted));
  const out = mkdtempSync(join(tmpdir(), 'amw-scan-cli-'));
  try {
    const code = await main([
      'node',
      'amiwarden',
      'scan',
      `dir:${root}`,
      '--checks',
      'hygiene',
      '-f',
      'sarif',
      '-o',
      join(out, 'r.sarif'),
      '--fail-on',
      'high',
      '--exit-code',
      '3',
    ]);
    assert.equal(code, 3);
    const sarif = JSON.parse(readFileSync(join(out, 'r.sarif'), 'utf8')) as {
      runs: Array<{ results: unknown[] }>;
    };
    assert.ok(sarif.runs[0]!.results.length >= 4);
    assert.equal(await main(['node', 'amiwarden', 'scan', join(out, 'missing-dir')]), 2);
  } finally {
    await cleanup();
    rmSync(out, { recursive: true, force: true });
  }
});

test('an unreadable package database (Berkeley DB rpmdb) is a partial scan and package checks cannot pass', async () => {
  const al = readBase('al2023');
  const spec = mergeTrees(al, { files: { '/var/lib/rpm/Packages': '\0\0\0\0\x61\x15\x06\0bdb' } });
  const { result } = await scanOf(spec, { checks: 'hygiene' });
  assert.equal(result.os.id, 'amzn');
  assert.equal(result.packages.status, 'unreadable');
  assert.equal(result.completeness, 'partial');
  assert.ok(result.gaps.some((g) => /Berkeley DB/.test(g.reason)));
  const { root, cleanup } = await withTree(spec);
  try {
    const set = loadCheckSet({ onProblem: () => undefined });
    const template = set.templates.get('package-absent')!;
    const rule = {
      id: 'telnet-absent',
      title: 't',
      rationale: 'r',
      severity: 'low' as const,
      template: 'package-absent',
      params: { names: ['telnet'] },
    };
    const target = { vfs: new DirVfs(root), os: result.os, packages: result.packages };
    const v = await runRule(rule, template, target, createMemo());
    assert.notEqual(v.status, 'pass', 'a package check passed without a package database');
  } finally {
    await cleanup();
  }
});
