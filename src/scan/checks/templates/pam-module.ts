import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { PAM_READS, pamArg, pamStack, presentServices } from '../parsers/pam.ts';

const PamTypeSchema = Type.Union([
  Type.Literal('auth'),
  Type.Literal('account'),
  Type.Literal('password'),
  Type.Literal('session'),
]);

export const template = defineCheckTemplate({
  id: 'pam-module',
  title: 'A PAM module is in the effective stack of each listed service, with the required arguments',
  params: Type.Object(
    {
      /** PAM service files under /etc/pam.d; the first one found decides the platform (common-* on Debian, system-auth on Amazon Linux). */
      services: Type.Array(Type.String(), { minItems: 1 }),
      type: PamTypeSchema,
      module: Type.String(),
      /** Arguments that every occurrence must carry (bare flags or name=value). */
      argsRequired: Type.Array(Type.String(), { default: [] }),
      /** Argument names no occurrence may carry (nullok, remember...). */
      argsForbidden: Type.Array(Type.String(), { default: [] }),
      /** At least one of these arguments must be present (sha512 | yescrypt). */
      argsOneOf: Type.Array(Type.String(), { default: [] }),
      /** Controls accepted for the module line; empty = any. */
      controls: Type.Array(Type.String(), { default: [] }),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: PAM_READS }),
  async evaluate(p, ctx) {
    const services = await presentServices(ctx, p.services);
    if (services.length === 0) return notApplicable(`none of /etc/pam.d/${p.services.join(', ')} exists`);
    const findings: Finding[] = [];
    const evidence: string[] = [];
    for (const svc of services) {
      const lines = (await pamStack(ctx, svc, p.type)).filter((l) => l.module === p.module);
      if (lines.length === 0) {
        findings.push({
          message: `${p.module} is not in the ${p.type} stack of /etc/pam.d/${svc}`,
          path: `/etc/pam.d/${svc}`,
        });
        continue;
      }
      for (const l of lines) {
        const at = { path: l.path, line: l.line };
        if (p.controls.length && !p.controls.includes(l.control))
          findings.push({
            message: `${p.module} in ${l.path} has control ${l.control}, expected ${p.controls.join(' or ')}`,
            ...at,
          });
        for (const a of p.argsRequired) {
          const [name, want] = a.split('=');
          const got = pamArg(l.args, name!);
          if (got === undefined || (want !== undefined && got !== want))
            findings.push({
              message: `${p.module} in ${l.path} lacks ${a}`,
              ...at,
              actual: l.args.join(' '),
            });
        }
        for (const a of p.argsForbidden)
          if (pamArg(l.args, a) !== undefined)
            findings.push({ message: `${p.module} in ${l.path} has ${a}`, ...at, actual: l.args.join(' ') });
        if (p.argsOneOf.length && !p.argsOneOf.some((a) => pamArg(l.args, a) !== undefined))
          findings.push({
            message: `${p.module} in ${l.path} has none of ${p.argsOneOf.join(', ')}`,
            ...at,
            actual: l.args.join(' '),
          });
        evidence.push(`${l.path}:${l.line} ${l.type} ${l.control} ${l.module} ${l.args.join(' ')}`);
      }
    }
    return findings.length ? fail(findings) : pass(evidence);
  },
});
