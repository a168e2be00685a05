import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { ACCOUNT_READS } from '../parsers/accounts-db.ts';
import { expandGlob, statOrNull } from '../parsers/files.ts';
import { parseMode, permFindings } from '../parsers/perms.ts';
import { walkTree } from '../parsers/walk.ts';

const Params = Type.Object(
  {
    /** In-image paths or one-segment globs ("/etc/ssh/ssh_host_*_key"). */
    paths: Type.Array(Type.String(), { minItems: 1 }),
    /** Most permissive mode allowed, octal ("0640"). */
    maxMode: Type.String({ pattern: '^0?[0-7]{3,4}$' }),
    owners: Type.Array(Type.String(), { default: ['root'] }),
    groups: Type.Array(Type.String(), { default: ['root'] }),
    /** What a missing path means: fail ("must exist") or pass (nothing to protect). */
    missing: Type.Union([Type.Literal('pass'), Type.Literal('fail')], { default: 'pass' }),
    /** Check the regular files below each directory (log directories) instead of the directory. */
    recurse: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export const template = defineCheckTemplate({
  id: 'file-mode-owner',
  title: 'File mode and ownership (names resolved through the image accounts)',
  params: Params,
  reads: (p) => ({
    globs: [...p.paths, ...(p.recurse ? p.paths.map((x) => `${x}/**`) : []), ...ACCOUNT_READS],
  }),
  async evaluate(p, ctx) {
    const spec = { maxMode: parseMode(p.maxMode), owners: p.owners, groups: p.groups };
    const findings: Finding[] = [];
    const checked: string[] = [];
    for (const glob of p.paths) {
      const hits = await expandGlob(ctx.vfs, glob);
      if (hits.length === 0 && p.missing === 'fail')
        findings.push({ message: `${glob} does not exist`, path: glob });
      for (const path of hits) {
        const st = await statOrNull(ctx.vfs, path);
        if (!st) continue;
        checked.push(path);
        // With recurse the spec is for the files inside; the directory itself is not judged by it.
        if (!(p.recurse && st.type === 'dir')) findings.push(...(await permFindings(ctx, path, st, spec)));
        if (p.recurse && st.type === 'dir') {
          const files: Array<[string, typeof st]> = [];
          await walkTree(ctx.vfs, path, (fp, fst) => {
            if (fst.type === 'file') files.push([fp, fst]);
          });
          for (const [fp, fst] of files) findings.push(...(await permFindings(ctx, fp, fst, spec)));
        }
      }
    }
    if (findings.length) return fail(findings);
    if (checked.length === 0) return notApplicable(`none of ${p.paths.join(', ')} exists in the image`);
    return pass(checked);
  },
});
