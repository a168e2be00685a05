import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import type { CheckContext, CheckTemplate } from '../../src/scan/checks/template.ts';
import type { Rule } from '../../src/scan/checks/catalog-schema.ts';
import { createMemo } from '../../src/scan/checks/engine.ts';
import { detectOs } from '../../src/scan/os/detect.ts';
import { readPackageInventory } from '../../src/scan/packages/inventory.ts';
import { DirVfs } from '../../src/scan/vfs/dir-vfs.ts';
import { restrictVfs } from '../../src/scan/vfs/restricted-vfs.ts';
import type { TreeSpec } from './tree-spec.ts';
import { mergeTrees, withTree } from './tree-spec.ts';

/**
 * Runs the scenario cases of every rule that uses one template, straight against the template
 * (no engine): the tree is laid out on disk, read through a directory VFS that refuses any path
 * outside the template's declared reads (the scanner's own DirVfs and RestrictedVfs), and the verdict compared with the case's expectation.
 */
const repo = fileURLToPath(new URL('../..', import.meta.url));
const rulesDir = join(repo, 'src/scan/checks/rules');
const casesDir = join(repo, 'test/fixtures/check-cases');

interface CaseSpec extends TreeSpec {
  readonly name: string;
  readonly expect: 'pass' | 'fail' | 'manual' | 'not-applicable';
  readonly message?: string;
}

export function loadRules(): Rule[] {
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml'))
    .flatMap((f) => {
      const doc = parse(readFileSync(join(rulesDir, f), 'utf8')) as Rule[] | { rules: Rule[] };
      return Array.isArray(doc) ? doc : doc.rules;
    });
}

export async function runTemplateCases(templateId: string): Promise<void> {
  const mod = (await import(`../../src/scan/checks/templates/${templateId}.ts`)) as {
    template: CheckTemplate;
  };
  const tpl = mod.template;
  assert.equal(tpl.id, templateId);
  const rules = loadRules().filter((r) => r.template === templateId);
  assert.ok(rules.length > 0, `no rule uses template ${templateId}`);
  for (const rule of rules) {
    const file = join(casesDir, `${rule.id}.yml`);
    assert.ok(existsSync(file), `missing case file for rule ${rule.id}`);
    const doc = parse(readFileSync(file, 'utf8')) as { rule: string; base?: string; cases: CaseSpec[] };
    assert.equal(doc.rule, rule.id);
    const names = doc.cases.map((c) => c.name);
    assert.equal(new Set(names).size, names.length, `${rule.id}: duplicate case names`);
    assert.ok(
      doc.cases.some((c) => c.expect === 'pass'),
      `${rule.id}: no pass case`,
    );
    assert.ok(
      doc.cases.some((c) => c.expect === 'fail'),
      `${rule.id}: no fail case`,
    );
    const params = Value.Default(tpl.params, structuredClone(rule.params));
    assert.ok(
      Value.Check(tpl.params, params),
      `${rule.id}: params do not match ${templateId}: ${[...Value.Errors(tpl.params, params)].map((e) => e.path + ' ' + e.message).join('; ')}`,
    );
    const reads = tpl.reads(params);
    await test(`${rule.id}`, async (t) => {
      for (const c of doc.cases) {
        await t.test(c.name, async () => {
          const base = doc.base ? join(repo, 'test/fixtures/rootfs', `${doc.base}.yml`) : undefined;
          const baseSpec = base && existsSync(base) ? (parse(readFileSync(base, 'utf8')) as TreeSpec) : {};
          const { root, cleanup } = await withTree(mergeTrees(baseSpec, c));
          try {
            const image = new DirVfs(root);
            const os = (await detectOs(image)).os;
            const ctx: CheckContext = {
              vfs: restrictVfs(image, reads, templateId),
              os,
              packages: await readPackageInventory(image, os),
              memo: createMemo(),
            };
            const v = await tpl.evaluate(params, ctx);
            assert.equal(v.status, c.expect, `${rule.id}/${c.name}: ${JSON.stringify(v)}`);
            if (c.expect === 'fail' && v.status === 'fail') {
              assert.ok(c.message, `${rule.id}/${c.name}: fail case names no message`);
              assert.ok(
                v.findings.some((f) => f.message.includes(c.message!)),
                `${rule.id}/${c.name}: no finding mentions "${c.message}": ${JSON.stringify(v.findings)}`,
              );
            }
          } finally {
            await cleanup();
          }
        });
      }
    });
  }
}
