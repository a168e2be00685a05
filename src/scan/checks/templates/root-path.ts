import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { ACCOUNT_READS } from '../parsers/accounts-db.ts';
import { octal, readText, statOrNull } from '../parsers/files.ts';
import { LOGIN_DEFS, readLoginDefs } from '../parsers/login-defs.ts';

const FILES = ['/etc/environment', '/etc/profile', '/root/.profile', '/root/.bash_profile', '/root/.bashrc'];
const DEFAULT = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * root's PATH as the image's own files set it (never the scanner's environment): every PATH
 * assignment in the login files plus login.defs ENV_SUPATH; `$PATH` parts are references, not dirs.
 */
export const template = defineCheckTemplate({
  id: 'root-path',
  title: "root's PATH has no empty or relative entries and only root-owned, non-writable directories",
  params: Type.Object({}, { additionalProperties: false }),
  reads: () => ({ globs: [...FILES, LOGIN_DEFS, '/**', ...ACCOUNT_READS], metadataOnly: true }),
  async evaluate(_p, ctx) {
    const paths: Array<{ value: string; where: string }> = [];
    for (const f of FILES) {
      const text = await readText(ctx.vfs, f);
      text?.split('\n').forEach((raw, i) => {
        const m = /^\s*(?:export\s+)?PATH=["']?([^"'\s;]*)/.exec(raw);
        if (m) paths.push({ value: m[1]!, where: `${f}:${i + 1}` });
      });
    }
    const supath = (await readLoginDefs(ctx)).get('ENV_SUPATH');
    if (supath)
      paths.push({ value: supath.value.replace(/^PATH=/, ''), where: `${supath.path}:${supath.line}` });
    if (paths.length === 0) paths.push({ value: DEFAULT, where: 'built-in default' });
    const findings: Finding[] = [];
    for (const { value, where } of paths) {
      const parts = value.split(':');
      parts.forEach((dir, i) => {
        if (dir === '' && !(i === parts.length - 1 && parts.length === 1))
          findings.push({ message: `root PATH at ${where} has an empty entry`, path: where.split(':')[0] });
        else if (dir === '.' || (!dir.startsWith('/') && !dir.startsWith('$') && dir !== ''))
          findings.push({
            message: `root PATH at ${where} has relative entry "${dir}"`,
            path: where.split(':')[0],
          });
      });
      for (const dir of parts.filter((d) => d.startsWith('/'))) {
        const st = await statOrNull(ctx.vfs, dir);
        if (!st) {
          findings.push({ message: `root PATH directory ${dir} does not exist`, path: dir });
          continue;
        }
        if (st.uid !== 0)
          findings.push({ message: `root PATH directory ${dir} is not owned by root`, path: dir });
        if (st.mode & 0o022)
          findings.push({
            message: `root PATH directory ${dir} is group- or world-writable (${octal(st.mode)})`,
            path: dir,
          });
      }
    }
    return findings.length ? fail(findings) : pass(paths.map((p) => `${p.where}: ${p.value}`));
  },
});
