import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import { CatalogSchema } from '../catalog-schema.ts';
import type { Catalog } from '../catalog-schema.ts';
import { TEMPLATES } from '../templates/index.ts';
import { loadRules } from '../../../../test/helpers/template-cases.ts';

// Control counts of the benchmark versions the catalogs transcribe; a dropped control changes them.
const CATALOGS: Record<string, number> = {
  'cis-debian12': 310,
  'cis-ubuntu2204': 300,
  'cis-ubuntu2404': 312,
  'cis-al2023': 243,
};

const rules = new Map(loadRules().map((r) => [r.id, r]));
const templates = new Map(TEMPLATES.map((t) => [t.id, t]));

for (const [id, count] of Object.entries(CATALOGS)) {
  test(`${id}: every control present, well-formed and backed by valid rules`, () => {
    const doc = parse(readFileSync(new URL(`./${id}.yml`, import.meta.url), 'utf8')) as Catalog;
    assert.ok(
      Value.Check(CatalogSchema, doc),
      [...Value.Errors(CatalogSchema, doc)].map((e) => `${e.path} ${e.message}`).join('; '),
    );
    assert.equal(doc.id, id);
    assert.equal(doc.controls.length, count);
    const ids = doc.controls.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'duplicate control ids');
    for (const c of doc.controls) {
      assert.match(c.id, /^\d+(\.\d+)*$/, `${c.id}: not a benchmark number`);
      assert.ok(
        c.section.startsWith(c.id.split('.')[0] + ' '),
        `${c.id}: section "${c.section}" is not its chapter`,
      );
      if (c.status === 'manual') {
        assert.ok(c.manual_reason && c.manual_reason.length > 10, `${c.id}: manual without a reason`);
        assert.equal(c.rules.length, 0, `${c.id}: manual control names rules`);
      } else assert.ok(c.rules.length > 0, `${c.id}: ${c.status} control names no rules`);
      if (c.status === 'partial') assert.ok(c.notes, `${c.id}: partial control without notes`);
      for (const r of c.rules) {
        const rule = rules.get(r);
        assert.ok(rule, `${c.id}: unknown rule ${r}`);
        const tpl = templates.get(rule.template);
        assert.ok(tpl, `${r}: unknown template ${rule.template}`);
        const params = Value.Default(tpl.params, structuredClone(rule.params));
        assert.ok(Value.Check(tpl.params, params), `${r}: params do not fit ${rule.template}`);
      }
    }
  });
}

test('the Amazon Linux catalog uses its own shadow-file and SELinux rules', () => {
  const doc = parse(readFileSync(new URL('./cis-al2023.yml', import.meta.url), 'utf8')) as Catalog;
  const all = doc.controls.flatMap((c) => c.rules);
  assert.ok(all.includes('perm-etc-shadow-al2023'));
  assert.ok(!all.includes('perm-etc-shadow'));
  assert.ok(all.includes('audit-mac-policy-selinux'));
  assert.ok(!all.includes('grub-apparmor-enabled'));
});
