import { Type } from '@sinclair/typebox';
import { expandGlobs, readTextOrUndefined } from '../expand.ts';
import { AUTHORIZED_KEYS_GLOBS, keyLines } from '../home-globs.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';
import type { Finding } from '../verdict.ts';

/** Image builders (Packer, EC2 Image Builder...) leave their temporary login keys and work directories behind. */
export const template = defineCheckTemplate({
  id: 'build-leftovers',
  title: 'No image-builder keys or build directories are left in the image',
  params: Type.Object(
    {
      /** Case-insensitive regular expressions matched against each authorized_keys line (key comments name the builder). */
      keyPatterns: Type.Array(Type.String({ minLength: 1 })),
      /** Paths (globs) that only a build leaves behind. */
      paths: Type.Array(Type.String()),
      keyGlobs: Type.Array(Type.String(), { default: AUTHORIZED_KEYS_GLOBS }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: [...p.keyGlobs, ...p.paths] }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    const patterns = p.keyPatterns.map((s) => new RegExp(s, 'i'));
    for (const f of await expandGlobs(ctx.vfs, p.keyGlobs)) {
      if (f.stat.type === 'dir') continue;
      for (const k of keyLines((await readTextOrUndefined(ctx.vfs, f.path, 1024 * 1024)) ?? '')) {
        const hit = patterns.find((re) => re.test(k.text));
        if (hit)
          findings.push({
            message: `image-builder key left in authorized_keys (matches /${hit.source}/)`,
            path: f.path,
            line: k.line,
          });
      }
    }
    for (const f of await expandGlobs(ctx.vfs, p.paths))
      findings.push({
        message: `build leftover ${f.stat.type === 'dir' ? 'directory' : 'file'} present`,
        path: f.path,
      });
    return findings.length ? fail(findings) : pass();
  },
});
