import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { lstat, readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Value } from '@sinclair/typebox/value';
import type { CheckContext, CheckTemplate } from '../../src/scan/checks/template.ts';
import type { Rule } from '../../src/scan/checks/catalog-schema.ts';
import type { OsInfo } from '../../src/scan/os/types.ts';
import type { InstalledPackage, PackageInventory } from '../../src/scan/packages/types.ts';
import type { FileType, Vfs, VfsStat } from '../../src/scan/vfs/vfs.ts';
import { VfsError, normalizeImagePath } from '../../src/scan/vfs/vfs.ts';
import { globMatches } from '../../src/scan/checks/parsers/files.ts';
import type { TreeSpec } from './tree-spec.ts';
import { mergeTrees, withTree } from './tree-spec.ts';

/**
 * Runs the scenario cases of every rule that uses one template, straight against the template
 * (no engine): the tree is laid out on disk, read through a directory VFS that refuses any path
 * outside the template's declared reads, and the verdict compared with the case's expectation.
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

const typeOf = (st: Stats): FileType =>
  st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'unknown';

/** A directory-backed VFS whose symlinks resolve inside `root`; `allowed` limits what may be touched. */
export function dirVfs(root: string, allowed?: readonly string[]): Vfs {
  const guard = (p: string, forList = false): void => {
    if (!allowed) return;
    const ok = allowed.some(
      (g) => globMatches(g, p) || (forList && globMatches(g + '/**', p)) || globPrefix(g, p),
    );
    if (!ok) throw new VfsError('EOUTSIDE', p, `AMW_SCAN_OUTSIDE_READS: ${p} is not in the declared reads`);
  };
  const host = (p: string): string => join(root, p);
  const wrap = async <T>(p: string, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EISDIR')
        throw new VfsError(code, p);
      throw err;
    }
  };
  // Resolves every symlink on the path inside the image; `followLast` decides the final component.
  const resolve = async (p: string, followLast: boolean): Promise<string> => {
    let hops = 0;
    let parts = normalizeImagePath(p).split('/').filter(Boolean);
    let done: string[] = [];
    while (parts.length > 0) {
      const [head, ...rest] = parts;
      const cand = '/' + [...done, head].join('/');
      const st = await wrap(cand, () => lstat(host(cand)));
      if (st.isSymbolicLink() && (rest.length > 0 || followLast)) {
        if (++hops > 40) throw new VfsError('ELOOP', p);
        const target = await readlink(host(cand));
        parts = [
          ...normalizeImagePath(target.startsWith('/') ? target : ['', ...done, target].join('/'))
            .split('/')
            .filter(Boolean),
          ...rest,
        ];
        done = [];
        continue;
      }
      done.push(head!);
      parts = rest;
    }
    return '/' + done.join('/');
  };
  const toStat = (st: Stats): VfsStat => ({
    type: typeOf(st),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    mtimeMs: st.mtimeMs,
    nlink: st.nlink,
    ino: st.ino,
  });
  return {
    label: `dir:${root}`,
    async lstat(p) {
      guard(p);
      const r = await resolve(normalizeImagePath(p, '..'), true).then((d) =>
        normalizeImagePath(d, p.split('/').pop() ?? ''),
      );
      return toStat(await wrap(p, () => lstat(host(r))));
    },
    async stat(p) {
      guard(p);
      return toStat(await wrap(p, async () => lstat(host(await resolve(p, true)))));
    },
    async readdir(p) {
      guard(p, true);
      const r = await resolve(p, true);
      const ents = await wrap(p, () => readdir(host(r), { withFileTypes: true }));
      return ents.map((e) => ({
        name: e.name,
        type: e.isFile() ? 'file' : e.isDirectory() ? 'dir' : e.isSymbolicLink() ? 'symlink' : 'unknown',
      }));
    },
    async readlink(p) {
      guard(p);
      return wrap(p, () => readlink(host(p)));
    },
    async readFile(p) {
      guard(p);
      return wrap(p, async () => readFile(host(await resolve(p, true))));
    },
  };
}

// A directory on the way to a declared glob may be listed and stat'ed (glob expansion needs it).
function globPrefix(glob: string, p: string): boolean {
  const g = glob.split('/').filter(Boolean);
  const parts = p.split('/').filter(Boolean);
  if (parts.length >= g.length) return false;
  return globMatches('/' + g.slice(0, parts.length).join('/'), p) || g.slice(0, parts.length).includes('**');
}

function parseDpkgStatus(text: string): InstalledPackage[] {
  return text
    .split(/\n\s*\n/)
    .map((para) =>
      Object.fromEntries(para.split('\n').map((l) => [l.split(':')[0], l.slice(l.indexOf(':') + 1).trim()])),
    )
    .filter((f) => f['Package'] && /install ok installed/.test(f['Status'] ?? ''))
    .map((f) => ({ manager: 'dpkg' as const, name: f['Package']!, version: f['Version'] ?? '' }));
}

function osOf(root: string): OsInfo {
  const p = join(root, 'etc/os-release');
  if (!existsSync(p))
    return { id: 'debian', versionId: '12', prettyName: 'Debian 12', family: 'debian', like: [] };
  const kv = Object.fromEntries(
    readFileSync(p, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 1).replace(/^"|"$/g, '')]),
  );
  const id = kv['ID'] ?? 'unknown';
  return {
    id,
    versionId: kv['VERSION_ID'] ?? '',
    prettyName: kv['PRETTY_NAME'] ?? id,
    family: id === 'amzn' ? 'rhel' : 'debian',
    like: [],
  };
}

function packagesOf(root: string): PackageInventory {
  const p = join(root, 'var/lib/dpkg/status');
  if (!existsSync(p)) return { status: 'none', reason: 'no package database in the fixture' };
  return { status: 'ok', manager: 'dpkg', packages: parseDpkgStatus(readFileSync(p, 'utf8')) };
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
            const memo = new Map<string, Promise<unknown>>();
            const ctx: CheckContext = {
              vfs: dirVfs(root, reads.globs),
              os: osOf(root),
              packages: packagesOf(root),
              memo: <T>(k: string, f: () => Promise<T>) => {
                if (!memo.has(k)) memo.set(k, f());
                return memo.get(k) as Promise<T>;
              },
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
