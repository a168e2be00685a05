import { Type } from '@sinclair/typebox';
import { expandGlobs } from '../expand.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';

/** Generic: none of the given paths may exist (e.g. cloud-init's per-instance state from the build instance). */
export const template = defineCheckTemplate({
  id: 'paths-absent',
  title: 'Paths that must not exist in an image',
  params: Type.Object(
    {
      globs: Type.Array(Type.String(), { minItems: 1 }),
      /** Says what the leftover is, e.g. "cloud-init state of the build instance"; starts each finding. */
      what: Type.String({ minLength: 1 }),
      /** Only report non-empty regular files (an empty placeholder is harmless). */
      nonEmptyOnly: Type.Boolean({ default: false }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: p.globs, metadataOnly: true }),
  async evaluate(p, ctx) {
    const found = (await expandGlobs(ctx.vfs, p.globs)).filter(
      (f) => !p.nonEmptyOnly || (f.stat.type === 'file' && f.stat.size > 0),
    );
    if (found.length === 0) return pass();
    return fail(found.map((f) => ({ message: `${p.what} present`, path: f.path })));
  },
});
