import { Type } from '@sinclair/typebox';
import { CLOUD_CFG_GLOBS, cloudInitConfig, lookup } from '../cloud-init-config.ts';
import { expandGlobs } from '../expand.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';

/**
 * Host keys baked into an image are shared by every instance launched from it, so one leak lets
 * anyone impersonate all of them. Present keys pass only when cloud-init deletes and regenerates
 * them at first boot (ssh_deletekeys, true unless set otherwise).
 */
export const template = defineCheckTemplate({
  id: 'ssh-host-keys-absent',
  title: 'SSH host keys are not baked in, or are regenerated at first boot',
  params: Type.Object(
    { globs: Type.Array(Type.String(), { default: ['/etc/ssh/ssh_host_*_key'] }) },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: [...p.globs, ...CLOUD_CFG_GLOBS] }),
  async evaluate(p, ctx) {
    const keys = (await expandGlobs(ctx.vfs, p.globs)).filter((f) => f.stat.type === 'file');
    if (keys.length === 0) return pass(['no SSH host private keys in the image']);
    const ci = await cloudInitConfig(ctx);
    const del = lookup(ci.merged, 'ssh_deletekeys');
    if (ci.present && del !== false && ci.problems.length === 0)
      return pass([
        `${keys.length} host key(s) present; cloud-init ssh_deletekeys regenerates them at first boot`,
      ]);
    const why = !ci.present
      ? 'cloud-init is not installed to regenerate them'
      : ci.problems.length > 0
        ? `cloud-init config unreadable (${ci.problems[0]})`
        : 'cloud-init ssh_deletekeys is false';
    return fail(
      keys.map((k) => ({
        message: `SSH host key baked into the image and shared by every instance (${why})`,
        path: k.path,
      })),
    );
  },
});
