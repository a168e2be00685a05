import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { SYSCTL_READS, normalizeSysctlKey, readSysctl } from '../parsers/sysctl.ts';

const Params = Type.Object(
  {
    /** One or more keys that must all be configured ("net.ipv4.conf.all.rp_filter"). */
    keys: Type.Array(Type.String(), { minItems: 1 }),
    /** Accepted values (compared as trimmed strings, whitespace collapsed). */
    values: Type.Optional(Type.Array(Type.String())),
    /** Numeric lower bound instead of a value list. */
    min: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const template = defineCheckTemplate({
  id: 'sysctl-key',
  title: 'Kernel parameter configured in sysctl files',
  params: Params,
  reads: () => ({ globs: SYSCTL_READS }),
  async evaluate(p, ctx) {
    const conf = await readSysctl(ctx);
    const findings: Finding[] = [];
    const evidence: string[] = [];
    const expected = p.min !== undefined ? `>= ${p.min}` : (p.values ?? []).join(' or ');
    for (const raw of p.keys) {
      const key = normalizeSysctlKey(raw);
      const got = conf.get(key);
      if (!got) {
        findings.push({
          message: `${key} is not configured in any sysctl file (the kernel default applies, which the image cannot show)`,
          expected,
        });
        continue;
      }
      const v = got.value.replace(/\s+/g, ' ');
      const ok = p.min !== undefined ? Number(v) >= p.min : (p.values ?? []).includes(v);
      if (ok) evidence.push(`${key} = ${v} at ${got.path}:${got.line}`);
      else
        findings.push({
          message: `${key} = ${v}, expected ${expected}`,
          path: got.path,
          line: got.line,
          actual: v,
          expected,
        });
    }
    return findings.length ? fail(findings) : pass(evidence);
  },
});
