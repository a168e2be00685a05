// `amiwarden demo`: the README's first command. It must replace the store and summarise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/testing.ts';
import { openStore } from '../../src/store/db.ts';

test('demo collects the built-in estate into a fresh SQLite file and prints the summary and next commands', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'amw-demo-'));
  const db = join(dir, 'demo.db');
  writeFileSync(db, 'not a database: the demo must replace it');
  const { code, stdout: out, stderr } = await runCli(['demo', '--db', db, '-q']);
  try {
    assert.equal(code, 0, out + stderr);
    for (const heading of [
      'Images by account and age',
      'Public images:',
      'Cross-account/org/OU shares:',
      'Unencrypted images:',
      'Unused images:',
      'In use but older than 180 days:',
      'Try next:',
    ])
      assert.ok(out.includes(heading), `missing "${heading}" in:\n${out}`);
    assert.match(out, /: ok, 8\/8 scopes/);
    // The suggested commands run as printed against the demo store.
    const suggested = out
      .split('\n')
      .filter((l) => /^ {2}amiwarden (usage|allowed-images) /.test(l))
      .map((l) => l.trim().split(/\s+/).slice(1));
    assert.equal(suggested.length, 2, out);
    for (const args of suggested) {
      const r = await runCli(args);
      // allowed-images simulate exits 4 when enabling the collected criteria would block images in use
      assert.ok(
        r.code === 0 || (args[0] === 'allowed-images' && r.code === 4),
        `${args.join(' ')}: ${r.code} ${r.stderr}`,
      );
      assert.ok(r.stdout.length > 0, args.join(' '));
    }
    assert.match(suggested[0]!.join(' '), /^usage --db \S+ ami-[0-9a-f]+ --what-breaks$/);
    const store = await openStore(db, { readOnly: true, migrate: false });
    try {
      const runs = await store.db.selectFrom('collection_runs').selectAll().execute();
      assert.deepEqual(
        runs.map((r) => r.status),
        ['ok'],
      );
      const images = await store.db.selectFrom('images').select('image_id').execute();
      assert.ok(images.length >= 60, `only ${images.length} images`);
      const kinds = await store.db.selectFrom('image_usage').select('kind').distinct().execute();
      assert.deepEqual(kinds.map((k) => k.kind).sort(), [
        'auto-scaling-group',
        'instance',
        'launch-configuration',
        'launch-template-version',
        'other-account',
        'ssm-parameter',
      ]);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
