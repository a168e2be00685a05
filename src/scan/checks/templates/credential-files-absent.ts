import { Type } from '@sinclair/typebox';
import { expandGlobs } from '../expand.ts';
import { inHomes } from '../home-globs.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';

const DEFAULT_GLOBS = inHomes(
  '.aws/credentials',
  '.aws/config',
  '.docker/config.json',
  '.git-credentials',
  '.netrc',
  '.pgpass',
  '.s3cfg',
  '.config/gcloud/credentials.db',
  '.azure/accessTokens.json',
  '.kube/config',
);

/** Cloud, registry and VCS credentials copied in during a build ship to everyone the image is shared with. */
export const template = defineCheckTemplate({
  id: 'credential-files-absent',
  title: 'No cloud, registry or VCS credential files are left in home directories',
  params: Type.Object(
    { globs: Type.Array(Type.String(), { default: DEFAULT_GLOBS }) },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: p.globs }),
  async evaluate(p, ctx) {
    const found = (await expandGlobs(ctx.vfs, p.globs)).filter((f) => f.stat.type !== 'dir');
    if (found.length === 0) return pass();
    return fail(
      found.map((f) => ({
        message: `credential file left in the image (${f.path.split('/').slice(-2).join('/')}); remove it and rotate what it holds`,
        path: f.path,
      })),
    );
  },
});
