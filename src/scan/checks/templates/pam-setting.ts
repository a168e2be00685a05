import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { PAM_READS, pamArg, pamStack, presentServices } from '../parsers/pam.ts';
import { expandGlob } from '../parsers/files.ts';
import { readKeyValues } from '../parsers/login-defs.ts';

/**
 * One option of a PAM module (faillock deny, pwquality minlen, pwhistory remember...): a module
 * argument in the stack wins over the module's conf file, which wins over the module's built-in default.
 */
export const template = defineCheckTemplate({
  id: 'pam-setting',
  title: 'A PAM module option, from its stack arguments or its configuration file',
  params: Type.Object(
    {
      services: Type.Array(Type.String(), { minItems: 1 }),
      type: Type.Union([
        Type.Literal('auth'),
        Type.Literal('account'),
        Type.Literal('password'),
        Type.Literal('session'),
      ]),
      module: Type.String(),
      option: Type.String(),
      /** The module's conf files in read order (later wins), e.g. /etc/security/pwquality.conf, pwquality.conf.d/*.conf. */
      confFiles: Type.Array(Type.String(), { default: [] }),
      /** Built-in value when nothing sets the option; absent = unset fails. "" means a flag that is off. */
      default: Type.Optional(Type.String()),
      /** min / max: numeric bound; flag: the bare option must be present; in: one of values. */
      op: Type.Union([Type.Literal('min'), Type.Literal('max'), Type.Literal('flag'), Type.Literal('in')]),
      bound: Type.Optional(Type.Number()),
      values: Type.Optional(Type.Array(Type.String())),
      /** Values that fail even within the bound (maxrepeat 0 switches the check off). */
      reject: Type.Array(Type.String(), { default: [] }),
      /** Values that pass regardless of the bound (unlock_time 0 = only an administrator unlocks). */
      accept: Type.Array(Type.String(), { default: [] }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: [...PAM_READS, ...p.confFiles] }),
  async evaluate(p, ctx) {
    const services = await presentServices(ctx, p.services);
    if (services.length === 0) return notApplicable(`none of /etc/pam.d/${p.services.join(', ')} exists`);
    const confPaths: string[] = [];
    for (const g of p.confFiles) confPaths.push(...(await expandGlob(ctx.vfs, g)));
    const conf = (await readKeyValues(ctx, confPaths)).get(p.option);
    const findings: Finding[] = [];
    const evidence: string[] = [];
    for (const svc of services) {
      const lines = (await pamStack(ctx, svc, p.type)).filter((l) => l.module === p.module);
      if (lines.length === 0) {
        findings.push({
          message: `${p.module} is not in the ${p.type} stack of /etc/pam.d/${svc}, so ${p.option} is not enforced`,
          path: `/etc/pam.d/${svc}`,
        });
        continue;
      }
      for (const l of lines) {
        const arg = pamArg(l.args, p.option);
        const value = arg ?? conf?.value ?? p.default;
        const where =
          arg !== undefined ? `${l.path}:${l.line}` : conf ? `${conf.path}:${conf.line}` : 'built-in default';
        let ok: boolean;
        if (p.op === 'flag') ok = value !== undefined && value !== p.default;
        else if (value !== undefined && p.accept.includes(value)) ok = true;
        else if (value === undefined || p.reject.includes(value)) ok = false;
        else if (p.op === 'in') ok = (p.values ?? []).includes(value);
        else
          ok =
            /^-?\d+$/.test(value) && (p.op === 'min' ? Number(value) >= p.bound! : Number(value) <= p.bound!);
        const expected =
          p.op === 'flag'
            ? `${p.option} set`
            : p.op === 'in'
              ? (p.values ?? []).join('|')
              : `${p.op === 'min' ? '>=' : '<='} ${p.bound}`;
        if (!ok)
          findings.push({
            message:
              value === undefined || (p.op === 'flag' && value === p.default)
                ? `${p.module} ${p.option} is not set (${l.path}), expected ${expected}`
                : `${p.module} ${p.option}=${value} (${where}), expected ${expected}`,
            path: arg !== undefined ? l.path : (conf?.path ?? l.path),
            line: arg !== undefined ? l.line : conf?.line,
            actual: value,
            expected,
          });
        else evidence.push(`${p.option}=${value} (${where})`);
      }
    }
    return findings.length ? fail(findings) : pass(evidence);
  },
});
