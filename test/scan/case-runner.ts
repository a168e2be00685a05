import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { runRule } from '../../src/scan/checks/engine.ts';
import { createMemo } from '../../src/scan/checks/engine.ts';
import { loadCheckSet } from '../../src/scan/checks/loader.ts';
import type { CheckSet, LoadedRule } from '../../src/scan/checks/loader.ts';
import { detectOs } from '../../src/scan/os/detect.ts';
import type { OsInfo } from '../../src/scan/os/types.ts';
import { readPackageInventory } from '../../src/scan/packages/inventory.ts';
import { DirVfs } from '../../src/scan/vfs/dir-vfs.ts';
import type { Verdict } from '../../src/scan/checks/verdict.ts';
import { canChown, mergeTrees, withTree } from '../helpers/tree-spec.ts';
import type { TreeSpec } from '../helpers/tree-spec.ts';
import { writeRpmdbSqlite } from './rpmdb-fixture.ts';
import type { RpmFixturePackage } from './rpmdb-fixture.ts';

/**
 * The check-case format (docs/scanning.md, "Check cases"). One file per rule:
 * test/fixtures/check-cases/<rule-id>.yml
 *   rule: <rule id>
 *   base: debian12          optional; test/fixtures/rootfs/<base>.yml
 *   cases:
 *     - name: <scenario>.<pass|fail|...>   unique in the file
 *       expect: pass | fail | manual | not-applicable
 *       message: <substring>  required when expect is fail: some finding's message contains it
 *       files / meta / links / dirs: tree-spec, laid over the base
 *       remove: [paths]        optional; base paths deleted for this case
 * Each case's tree is laid out in a fresh temporary directory and the rule runs through the
 * engine: a DirVfs restricted to the template's declared reads, the OS and packages read from the tree.
 */
export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CASES_DIR = join(REPO, 'test/fixtures/check-cases');
export const ROOTFS_DIR = join(REPO, 'test/fixtures/rootfs');

export type Expect = 'pass' | 'fail' | 'manual' | 'not-applicable';
export const EXPECTS: readonly Expect[] = ['pass', 'fail', 'manual', 'not-applicable'];

export interface CheckCase extends TreeSpec {
  readonly name: string;
  readonly expect: Expect;
  readonly message?: string;
  readonly remove?: readonly string[];
}

export interface CaseFile {
  readonly rule: string;
  readonly base?: string;
  readonly cases: readonly CheckCase[];
  readonly file: string;
}

/** A base tree is tree-spec YAML plus `rpmdb:`, a package list written as rpmdb.sqlite at layout time. */
export interface BaseTree extends TreeSpec {
  readonly rpmdb?: readonly RpmFixturePackage[];
}

const CASE_KEYS = new Set(['name', 'expect', 'message', 'files', 'meta', 'links', 'dirs', 'remove']);

/** Reads and checks one case file's shape; throws with the file name on any problem. */
export function readCaseFile(file: string): CaseFile {
  const doc = parse(readFileSync(file, 'utf8')) as Partial<CaseFile> | null;
  const where = file.slice(REPO.length);
  if (!doc || typeof doc.rule !== 'string' || !Array.isArray(doc.cases))
    throw new Error(`${where}: needs rule: and cases:`);
  for (const k of Object.keys(doc))
    if (!['rule', 'base', 'cases'].includes(k)) throw new Error(`${where}: unknown key ${k}`);
  for (const c of doc.cases) {
    for (const k of Object.keys(c))
      if (!CASE_KEYS.has(k)) throw new Error(`${where}: case ${c.name}: unknown key ${k}`);
    if (!EXPECTS.includes(c.expect))
      throw new Error(`${where}: case ${c.name}: expect must be ${EXPECTS.join('|')}`);
  }
  return { rule: doc.rule, cases: doc.cases, file, ...(doc.base ? { base: doc.base } : {}) };
}

export function listCaseFiles(): string[] {
  if (!existsSync(CASES_DIR)) return [];
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.yml'))
    .sort()
    .map((f) => join(CASES_DIR, f));
}

export function readBase(name: string): BaseTree {
  const file = join(ROOTFS_DIR, `${name}.yml`);
  if (!existsSync(file)) throw new Error(`unknown base tree ${name} (no ${file})`);
  return parse(readFileSync(file, 'utf8')) as BaseTree;
}

/**
 * Without a base and without an os-release, a case runs as the OS of the rule's first platform,
 * or Debian 12 when the rule fits every OS (most CIS cases are about one file).
 */
const FALLBACK_OS: Readonly<Record<string, OsInfo>> = {
  debian: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12', family: 'debian', like: [] },
  ubuntu: {
    id: 'ubuntu',
    versionId: '24.04',
    prettyName: 'Ubuntu 24.04 LTS',
    family: 'debian',
    like: ['debian'],
  },
  amzn: { id: 'amzn', versionId: '2023', prettyName: 'Amazon Linux 2023', family: 'rhel', like: ['fedora'] },
};
const fallbackOs = (rule: LoadedRule): OsInfo =>
  FALLBACK_OS[rule.platforms?.[0] ?? 'debian'] ?? FALLBACK_OS.debian!;

/** Lays out base + case, runs the rule through the engine, returns the verdict. */
export async function runCase(
  set: CheckSet,
  rule: LoadedRule,
  base: BaseTree | undefined,
  c: CheckCase,
): Promise<Verdict> {
  const { root, cleanup } = await withTree(mergeTrees(base ?? {}, c));
  try {
    if (base?.rpmdb) writeRpmdbSqlite(join(root, 'var/lib/rpm/rpmdb.sqlite'), base.rpmdb);
    for (const p of c.remove ?? [])
      await rm(join(root, p.replace(/^\/+/, '')), { recursive: true, force: true });
    const vfs = new DirVfs(root);
    const detected = await detectOs(vfs);
    const os = detected.problem ? fallbackOs(rule) : detected.os;
    const packages = await readPackageInventory(vfs, os);
    return await runRule(rule, set.templates.get(rule.template)!, { vfs, os, packages }, createMemo());
  } finally {
    await cleanup();
  }
}

const needsRoot = (c: CheckCase): boolean =>
  Object.values(c.meta ?? {}).some((m) => m.uid !== undefined || m.gid !== undefined);

/** Registers node:test tests for every case of the given rules (all rules with a case file when omitted). */
export function registerCaseTests(filter: (rule: LoadedRule) => boolean = () => true): void {
  // Lenient: a rule that does not load is reported by the registry meta-test; its cases are skipped here.
  const set = loadCheckSet({ onProblem: () => undefined });
  for (const file of listCaseFiles()) {
    const cf = readCaseFile(file);
    const rule = set.rules.get(cf.rule);
    if (!rule || !filter(rule)) continue;
    const base = cf.base ? readBase(cf.base) : undefined;
    test(`rule ${cf.rule}`, async (t) => {
      for (const c of cf.cases) {
        const skip = needsRoot(c) && !canChown ? 'sets owners: needs root' : false;
        await t.test(c.name, { skip }, async () => {
          const v = await runCase(set, rule, base, c);
          assert.equal(v.status, c.expect, `${cf.rule}/${c.name}: got ${JSON.stringify(v)}`);
          if (c.expect === 'fail' && v.status === 'fail') {
            assert.ok(c.message, `${cf.rule}/${c.name}: a fail case must name its message`);
            assert.ok(
              v.findings.some((f) => f.message.includes(c.message!)),
              `${cf.rule}/${c.name}: no finding message contains "${c.message}": ${JSON.stringify(v.findings)}`,
            );
          }
        });
      }
    });
  }
}

/** Same entry point as the per-template test files use: runs the cases of every rule built on one template. */
export async function runTemplateCases(templateId: string): Promise<void> {
  registerCaseTests((r) => r.template === templateId);
}
