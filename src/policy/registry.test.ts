import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { registries } from './compile.ts';
import { loadRegistry } from './registry.ts';
import { FILTERS } from './filters/index.ts';
import { ACTIONS } from './actions/index.ts';
import { compileText, runAll } from './engine.ts';
import { DEFAULT_GROUP } from './config.ts';
import { Inventory } from './inventory.ts';
import { MemoryAudit } from './audit.ts';
import { NOW, RecordingEffects, image } from './testing.ts';

const HELPERS = new Set(['define.ts', 'index.ts', 'value-ops.ts', 'usage.ts', 'snapshots.ts']);

for (const [kind, index] of [
  ['filters', FILTERS],
  ['actions', ACTIONS],
] as const) {
  test(`the ${kind} index is sorted and lists every plugin file and only those`, async () => {
    const files = (await readdir(new URL(`./${kind}/`, import.meta.url)))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !HELPERS.has(f))
      .map((f) => f.slice(0, -3))
      .sort();
    const keys = Object.keys(index);
    assert.deepEqual(keys, [...keys].sort());
    assert.deepEqual([...keys].sort(), files);
  });
}

test('a duplicate plugin name throws at load time', async () => {
  const tag = ACTIONS.tag;
  assert.ok(tag);
  await assert.rejects(
    loadRegistry('action', { tag, mark: tag }),
    /loads a action of type "tag"|duplicate action "mark"/,
  );
  const fake = async () => ({ default: { ...(await tag()).default, type: 'retag', aliases: ['mark'] } });
  await assert.rejects(loadRegistry('action', { tag, retag: fake }), /duplicate action "mark"/);
});

test('every plugin has a closed schema, permissions declared and a summary', async () => {
  const regs = await registries();
  for (const def of [...regs.filters.values(), ...regs.actions.values()]) {
    assert.equal(def.schema.additionalProperties, false, `${def.type} schema is open`);
    assert.ok(Array.isArray(def.permissions), def.type);
    assert.ok(def.docs.summary.length > 20, `${def.type} needs a summary`);
  }
});

test('every doc example loads through the real loader and runs', async () => {
  const regs = await registries();
  const defs = new Set([...regs.filters.values(), ...regs.actions.values()]);
  const images = [
    image({ ImageId: 'ami-old', daysOld: 500, Tags: [{ Key: 'lifecycle', Value: 'deprecated' }] }),
    image({ ImageId: 'ami-new', daysOld: 1, perms: [{ Group: 'all' }] }),
  ];
  for (const def of defs) {
    const policies = await compileText(`${def.type}.example.yml`, def.docs.example, [DEFAULT_GROUP]);
    assert.ok(policies.length > 0, def.type);
    const effects = new RecordingEffects();
    await runAll(policies, new Inventory(images.map((i) => structuredClone(i))), {
      runId: 'doc',
      now: NOW,
      dryrun: true,
      audit: new MemoryAudit(),
      effects: (a, r) => effects.for(a, r),
    });
    assert.equal(effects.calls.length, 0);
  }
});

test('docs/policies.md documents every filter and action', async () => {
  const { readFile } = await import('node:fs/promises');
  const doc = await readFile(new URL('../../docs/policies.md', import.meta.url), 'utf8');
  const regs = await registries();
  for (const name of [...regs.filters.keys(), ...regs.actions.keys()])
    assert.ok(doc.includes(`\`${name}\``), `${name} missing from docs/policies.md`);
});
