import { Type } from '@sinclair/typebox';
import { expandGlobs, readTextOrUndefined } from '../expand.ts';
import { inHomes } from '../home-globs.ts';
import { scanSecrets } from '../secret-patterns.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';
import type { Finding } from '../verdict.ts';

const DEFAULT_GLOBS = inHomes(
  '.bash_history',
  '.zsh_history',
  '.ash_history',
  '.sh_history',
  '.history',
  '.python_history',
  '.mysql_history',
  '.psql_history',
  '.sqlite_history',
  '.node_repl_history',
  '.rediscli_history',
  '.lesshst',
  '.viminfo',
  '.wget-hsts',
);

/** Histories record what the image builder typed, often including secrets; a clean image ships none. */
export const template = defineCheckTemplate({
  id: 'history-files-clean',
  title: 'Shell and tool history files are absent or empty, and hold no secrets',
  params: Type.Object(
    {
      globs: Type.Array(Type.String(), { default: DEFAULT_GLOBS }),
      maxBytes: Type.Integer({ minimum: 1, default: 4 * 1024 * 1024 }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: p.globs }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    for (const f of await expandGlobs(ctx.vfs, p.globs)) {
      if (f.stat.type !== 'file' && f.stat.type !== 'symlink') continue;
      const text = (await readTextOrUndefined(ctx.vfs, f.path, p.maxBytes)) ?? '';
      if (text.trim() === '') continue;
      const lines = text.split('\n').filter((l) => l.trim() !== '').length;
      const secrets = scanSecrets(text);
      for (const s of secrets)
        findings.push({ message: `possible ${s.kind} in history file`, path: f.path, line: s.line });
      findings.push({
        message: `history file is not empty (${lines} line(s)); truncate it before creating the image`,
        path: f.path,
        actual: `${lines} line(s)`,
        expected: 'absent or empty',
      });
    }
    return findings.length ? fail(findings) : pass();
  },
});
