import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { withTree } from '../../../test/helpers/tree-spec.ts';
import { UNKNOWN_OS } from '../os/types.ts';
import { DirVfs } from '../vfs/dir-vfs.ts';
import type { Control } from './catalog-schema.ts';
import { combineVerdicts, createMemo, runRule } from './engine.ts';
import type { RuleResult } from './engine.ts';
import { defineCheckTemplate } from './template.ts';
import { fail, pass } from './verdict.ts';
import type { Verdict } from './verdict.ts';

const params = Type.Object({}, { additionalProperties: false });
const rule = (template: string, platforms?: string[]) => ({
  id: `r-${template}`,
  title: 't',
  rationale: 'r',
  severity: 'low' as const,
  template,
  params: {},
  ...(platforms ? { platforms } : {}),
});
const debian = {
  id: 'debian',
  versionId: '12',
  prettyName: 'Debian 12',
  family: 'debian' as const,
  like: [],
};

async function run(t: Parameters<typeof runRule>[1], r = rule(t.id)): Promise<Verdict> {
  const { root, cleanup } = await withTree({ files: { '/etc/a': 'a\n', '/etc/b': 'b\n' } });
  try {
    return await runRule(
      r,
      t,
      { vfs: new DirVfs(root), os: debian, packages: { status: 'none', reason: 'x' } },
      createMemo(),
    );
  } finally {
    await cleanup();
  }
}

test('a throwing check is an error verdict, never a pass', async () => {
  const t = defineCheckTemplate({
    id: 'boom',
    title: 'boom',
    params,
    reads: () => ({ globs: ['/etc/a'] }),
    evaluate: async () => {
      throw new Error('parser exploded');
    },
  });
  assert.deepEqual(await run(t), { status: 'error', cause: 'parser exploded' });
});

test('reading outside the declared reads is an error naming AMW_SCAN_OUTSIDE_READS', async () => {
  const t = defineCheckTemplate({
    id: 'sneaky',
    title: 'sneaky',
    params,
    reads: () => ({ globs: ['/etc/a'] }),
    evaluate: async (_p, ctx) => ((await ctx.vfs.readFile('/etc/b')).length ? pass() : fail([])),
  });
  const v = await run(t);
  assert.equal(v.status, 'error');
  assert.match(v.status === 'error' ? v.cause : '', /AMW_SCAN_OUTSIDE_READS/);
});

test('a rule off its platforms is not applicable; the memo computes once', async () => {
  let calls = 0;
  const t = defineCheckTemplate({
    id: 'memo',
    title: 'memo',
    params,
    reads: () => ({ globs: ['/etc/a'] }),
    evaluate: async (_p, ctx) => {
      await ctx.memo('k', async () => ++calls);
      await ctx.memo('k', async () => ++calls);
      return pass();
    },
  });
  assert.equal((await run(t, rule('memo', ['amzn']))).status, 'not-applicable');
  assert.equal((await run(t)).status, 'pass');
  assert.equal(calls, 1);
  assert.equal(UNKNOWN_OS.id, 'unknown');
});

test('control verdicts: error > fail > manual > pass; all n/a is n/a; manual controls say why', () => {
  const control = (over: Partial<Control> = {}): Control => ({
    id: '1.1',
    title: 't',
    section: 's',
    levels: ['l1_server'],
    status: 'automated',
    rules: [],
    ...over,
  });
  const rr = (verdict: Verdict): RuleResult => ({
    ruleId: 'r',
    title: 't',
    severity: 'low',
    template: 'x',
    verdict,
  });
  const f = fail([{ message: 'bad' }]);
  assert.equal(
    combineVerdicts(control(), [rr(pass()), rr(f), rr({ status: 'error', cause: 'c' })]).status,
    'error',
  );
  assert.equal(
    combineVerdicts(control(), [rr(pass()), rr(f), rr({ status: 'manual', reason: 'm' })]).status,
    'fail',
  );
  assert.equal(
    combineVerdicts(control(), [rr(pass()), rr({ status: 'manual', reason: 'm' })]).status,
    'manual',
  );
  assert.equal(
    combineVerdicts(control(), [rr(pass()), rr({ status: 'not-applicable', reason: 'n' })]).status,
    'pass',
  );
  assert.equal(
    combineVerdicts(control(), [rr({ status: 'not-applicable', reason: 'n' })]).status,
    'not-applicable',
  );
  assert.deepEqual(
    combineVerdicts(control({ status: 'manual', manual_reason: 'needs a running kernel' }), []),
    {
      status: 'manual',
      reason: 'needs a running kernel',
    },
  );
});

test('plannedReads gathers the declared globs of the selected rules, once each', async () => {
  const { loadCheckSet } = await import('./loader.ts');
  const { selectControls } = await import('./select.ts');
  const { plannedReads } = await import('./engine.ts');
  const set = loadCheckSet({ onProblem: () => undefined });
  const sel = selectControls(set, debian, { checks: 'hygiene' });
  const globs = plannedReads(set, sel.catalogs);
  assert.ok(globs.includes('/root/.ssh/authorized_keys'));
  assert.ok(globs.includes('/var/log/**'));
  assert.equal(new Set(globs).size, globs.length);
});
