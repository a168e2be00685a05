import { Type } from '@sinclair/typebox';
import { expandGlobs, readTextOrUndefined } from '../expand.ts';
import { AUTHORIZED_KEYS_GLOBS, keyLines } from '../home-globs.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';
import type { Finding } from '../verdict.ts';

/** A shareable image must not carry login keys: cloud-init installs the instance's key at first boot. */
export const template = defineCheckTemplate({
  id: 'authorized-keys-absent',
  title: 'No authorized_keys entries are baked into the image',
  params: Type.Object(
    { globs: Type.Array(Type.String(), { default: AUTHORIZED_KEYS_GLOBS }) },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: p.globs }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    for (const f of await expandGlobs(ctx.vfs, p.globs)) {
      if (f.stat.type === 'dir') continue;
      const keys = keyLines((await readTextOrUndefined(ctx.vfs, f.path, 1024 * 1024)) ?? '');
      if (keys.length === 0) continue;
      findings.push({
        message: `authorized_keys holds ${keys.length} key(s); remove them so only the instance's own key is installed at boot`,
        path: f.path,
        line: keys[0]!.line,
        actual: `${keys.length} key(s)`,
        expected: 'no keys',
      });
    }
    return findings.length ? fail(findings) : pass();
  },
});
