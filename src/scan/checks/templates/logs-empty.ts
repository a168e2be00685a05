import { Type } from '@sinclair/typebox';
import { walkTree } from '../../vfs/walk.ts';
import { globMatch } from '../glob.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';

/** Build-time logs tell a reader how the image was made (hosts, users, sometimes secrets) and blur the first boot's own logs. */
export const template = defineCheckTemplate({
  id: 'logs-empty',
  title: 'Log files are empty',
  params: Type.Object(
    {
      root: Type.String({ default: '/var/log' }),
      allow: Type.Array(Type.String(), { default: [] }),
      /** Findings listed one by one up to this many, then summed up. */
      maxFindings: Type.Integer({ minimum: 1, default: 20 }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: [`${p.root.replace(/\/+$/, '')}/**`], metadataOnly: true }),
  async evaluate(p, ctx) {
    const hits: Array<{ path: string; size: number }> = [];
    const summary = await walkTree(ctx.vfs, p.root, (e) => {
      if (e.stat.type === 'file' && e.stat.size > 0 && !p.allow.some((g) => globMatch(g, e.path)))
        hits.push({ path: e.path, size: e.stat.size });
    });
    for (const pr of summary.problems)
      if (pr.path !== p.root || pr.reason !== 'ENOENT') ctx.coverage?.({ part: pr.path, reason: pr.reason });
    if (hits.length === 0) return pass();
    const shown = hits.slice(0, p.maxFindings).map((h) => ({
      message: `log file is not empty (${h.size} bytes)`,
      path: h.path,
      actual: `${h.size} bytes`,
      expected: 'empty',
    }));
    if (hits.length > p.maxFindings)
      shown.push({
        message: `log file is not empty: ${hits.length - p.maxFindings} more`,
        path: p.root,
        actual: `${hits.length} files`,
        expected: 'empty',
      });
    return fail(shown);
  },
});
