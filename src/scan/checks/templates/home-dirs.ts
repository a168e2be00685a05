import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { ACCOUNT_READS } from '../parsers/accounts-db.ts';
import { lstatOrNull, octal } from '../parsers/files.ts';
import { HOME_READS, homeCovered, interactiveUsers } from '../parsers/interactive-users.ts';
import { normalizeImagePath } from '../../vfs/vfs.ts';

// Files that grant access or forward mail by themselves; their presence is the finding.
const FORBIDDEN = new Set(['.forward', '.rhosts', '.netrc']);

export const template = defineCheckTemplate({
  id: 'home-dirs',
  title: 'Interactive users: home directories and dot files',
  params: Type.Object(
    {
      /** homes: each exists, owned by the user, mode <= maxMode; dot-files: no group/world-writable dot files, no .forward/.rhosts/.netrc. */
      check: Type.Union([Type.Literal('homes'), Type.Literal('dot-files')]),
      maxMode: Type.String({ default: '0750' }),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: [...ACCOUNT_READS, '/etc/shells', ...HOME_READS] }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    const evidence: string[] = [];
    const max = parseInt(p.maxMode, 8);
    for (const u of await interactiveUsers(ctx)) {
      if (!homeCovered(u.home)) {
        evidence.push(`${u.name}: home ${u.home} is outside /home and /root, not examined`);
        continue;
      }
      const st = await lstatOrNull(ctx.vfs, u.home);
      if (p.check === 'homes') {
        if (!st || st.type !== 'dir')
          findings.push({ message: `home directory ${u.home} of ${u.name} does not exist`, path: u.home });
        else {
          if (st.uid !== u.uid)
            findings.push({ message: `${u.home} is owned by UID ${st.uid}, not by ${u.name}`, path: u.home });
          if (st.mode & ~max & 0o7777)
            findings.push({
              message: `${u.home} has mode ${octal(st.mode)}, more permissive than ${p.maxMode}`,
              path: u.home,
              actual: octal(st.mode),
            });
        }
        continue;
      }
      if (!st || st.type !== 'dir') continue;
      for (const e of await ctx.vfs.readdir(u.home)) {
        if (!e.name.startsWith('.') || e.name === '.' || e.name === '..') continue;
        const path = normalizeImagePath(u.home, e.name);
        const fst = await lstatOrNull(ctx.vfs, path);
        if (!fst || fst.type === 'symlink') continue;
        if (FORBIDDEN.has(e.name)) findings.push({ message: `${path} exists (${u.name})`, path });
        else if (fst.type === 'file' && fst.mode & 0o022)
          findings.push({
            message: `${path} is group- or world-writable (${octal(fst.mode)})`,
            path,
            actual: octal(fst.mode),
          });
      }
    }
    return findings.length ? fail(findings) : pass(evidence);
  },
});
