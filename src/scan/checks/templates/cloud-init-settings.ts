import { Type } from '@sinclair/typebox';
import { CLOUD_CFG_GLOBS, cloudInitConfig, lookup } from '../cloud-init-config.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import type { Finding } from '../verdict.ts';

const Scalar = Type.Union([Type.Boolean(), Type.String(), Type.Number()]);

/** cloud-init's merged settings (cloud.cfg + cloud.cfg.d, later files win) must hold the expected values. */
export const template = defineCheckTemplate({
  id: 'cloud-init-settings',
  title: 'cloud-init settings harden first boot',
  params: Type.Object(
    {
      settings: Type.Array(
        Type.Object(
          {
            /** Dotted key into the merged config: "system_info.default_user.lock_passwd". */
            key: Type.String({ minLength: 1 }),
            value: Scalar,
            /** cloud-init's own value when the key is unset; absent = an unset key fails. */
            builtin: Type.Optional(Scalar),
          },
          { additionalProperties: false },
        ),
        { minItems: 1 },
      ),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: [...CLOUD_CFG_GLOBS] }),
  async evaluate(p, ctx) {
    const ci = await cloudInitConfig(ctx);
    if (!ci.present) return notApplicable('cloud-init is not installed (no /etc/cloud/cloud.cfg)');
    const findings: Finding[] = ci.problems.map((pr) => ({
      message: `cloud-init config cannot be parsed: ${pr}`,
    }));
    for (const s of p.settings) {
      const raw = lookup(ci.merged, s.key);
      const actual = raw === undefined || raw === null ? s.builtin : raw;
      if (actual === s.value) continue;
      findings.push({
        message:
          actual === undefined
            ? `cloud-init ${s.key} is not set (expected ${String(s.value)})`
            : `cloud-init ${s.key} is ${JSON.stringify(actual)} (expected ${String(s.value)})`,
        path: '/etc/cloud/cloud.cfg',
        actual: actual === undefined ? 'unset' : JSON.stringify(actual),
        expected: String(s.value),
      });
    }
    return findings.length ? fail(findings) : pass();
  },
});
