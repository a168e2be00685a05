import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TSchema } from '@sinclair/typebox';
import { CASES_DIR, listCaseFiles, readCaseFile } from '../../../test/scan/case-runner.ts';
import { loadCheckSet } from './loader.ts';
import { buildTemplateRegistry } from './registry.ts';
import { TEMPLATES } from './templates/index.ts';

const templatesDir = fileURLToPath(new URL('./templates/', import.meta.url));

test('every template lives in templates/<id>.ts and exports itself as `template`', async () => {
  for (const t of TEMPLATES) {
    assert.match(t.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `template id ${t.id} is not kebab-case`);
    const mod = (await import(`./templates/${t.id}.ts`)) as { template?: unknown };
    assert.equal(mod.template, t, `templates/${t.id}.ts does not export the registered template`);
  }
});

test('every template file is registered, once, in sorted order', () => {
  const files = readdirSync(templatesDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
    .map((f) => f.slice(0, -3))
    .sort();
  const ids = TEMPLATES.map((t) => t.id);
  assert.deepEqual([...ids].sort(), files, 'templates/index.ts and the files under templates/ differ');
  assert.deepEqual(ids, [...ids].sort(), 'templates/index.ts is not sorted by id');
  assert.throws(() => buildTemplateRegistry([TEMPLATES[0]!, TEMPLATES[0]!]), /duplicate check template id/);
});

function openObjects(schema: TSchema, at: string): string[] {
  const s = schema as TSchema & {
    type?: string;
    additionalProperties?: unknown;
    properties?: Record<string, TSchema>;
    items?: TSchema;
    anyOf?: TSchema[];
  };
  const out: string[] = [];
  if (s.type === 'object' && s.properties && s.additionalProperties !== false) out.push(at || '/');
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...openObjects(v, `${at}/${k}`));
  if (s.items) out.push(...openObjects(s.items, `${at}/items`));
  for (const v of s.anyOf ?? []) out.push(...openObjects(v, at));
  return out;
}

test('every template has a closed params schema', () => {
  for (const t of TEMPLATES)
    assert.deepEqual(openObjects(t.params, ''), [], `${t.id}: params schema is open`);
});

test('rules and catalogs load strictly: unique ids, known templates, valid params, controls name existing rules', () => {
  const set = loadCheckSet();
  assert.ok(set.rules.size > 0);
  assert.ok(set.catalogs.has('hygiene'));
});

test('every rule has a case file with a pass and a fail case; fail cases name their message; no duplicates', () => {
  const set = loadCheckSet({ onProblem: () => undefined });
  const problems: string[] = [];
  const seenRules = new Set<string>();
  for (const file of listCaseFiles()) {
    const cf = readCaseFile(file);
    const name = file.slice(CASES_DIR.length + 1, -4);
    if (cf.rule !== name) problems.push(`${name}.yml: rule: ${cf.rule} does not match the file name`);
    if (!set.rules.has(cf.rule)) problems.push(`${name}.yml: names unknown rule ${cf.rule}`);
    seenRules.add(cf.rule);
    const names = new Set<string>();
    const bodies = new Map<string, string>();
    for (const c of cf.cases) {
      if (names.has(c.name)) problems.push(`${name}.yml: duplicate case name ${c.name}`);
      names.add(c.name);
      const body = JSON.stringify([c.files, c.meta, c.links, c.dirs, c.remove]);
      if (bodies.has(body)) problems.push(`${name}.yml: case ${c.name} repeats case ${bodies.get(body)}`);
      bodies.set(body, c.name);
      if (c.expect === 'fail' && !c.message)
        problems.push(`${name}.yml: fail case ${c.name} names no message`);
    }
    if (!cf.cases.some((c) => c.expect === 'pass')) problems.push(`${name}.yml: no pass case`);
    if (!cf.cases.some((c) => c.expect === 'fail')) problems.push(`${name}.yml: no fail case`);
  }
  for (const id of set.rules.keys())
    if (!seenRules.has(id) || !existsSync(`${CASES_DIR}/${id}.yml`))
      problems.push(`rule ${id} has no case file`);
  assert.deepEqual(problems, []);
});
