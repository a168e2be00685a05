import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { SUDOERS_READS, readSudoers } from '../parsers/sudoers.ts';
import { lstatOrNull } from '../parsers/files.ts';

export const template = defineCheckTemplate({
  id: 'sudo-setting',
  title: 'sudoers settings across sudoers and its include directories',
  params: Type.Object(
    {
      /**
       * defaults-flag: a global "Defaults <option>" is set and never negated; defaults-value: "Defaults <option>=..." set;
       * no-nopasswd: no rule carries NOPASSWD; no-negated: "!<option>" appears nowhere; max-timeout: timestamp_timeout within 0..bound.
       */
      check: Type.Union([
        Type.Literal('defaults-flag'),
        Type.Literal('defaults-value'),
        Type.Literal('no-nopasswd'),
        Type.Literal('no-negated'),
        Type.Literal('max-timeout'),
      ]),
      option: Type.String({ default: '' }),
      bound: Type.Number({ default: 15 }),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: SUDOERS_READS }),
  async evaluate(p, ctx) {
    if (!(await lstatOrNull(ctx.vfs, '/etc/sudoers')))
      return notApplicable('no /etc/sudoers: sudo is not installed');
    const lines = await readSudoers(ctx);
    const defaults = lines.filter((l) => /^Defaults(\s|$)/.test(l.text));
    const opts = (l: { text: string }): string[] => l.text.replace(/^Defaults\S*\s*/, '').split(/\s*,\s*/);
    const findings: Finding[] = [];
    const at = (l: { path: string; line: number }) => ({ path: l.path, line: l.line });
    switch (p.check) {
      case 'defaults-flag': {
        const set = defaults.find((l) => opts(l).includes(p.option));
        if (!set)
          findings.push({ message: `"Defaults ${p.option}" is not set in sudoers`, path: '/etc/sudoers' });
        for (const l of lines.filter((x) => opts(x).includes(`!${p.option}`) && /^Defaults/.test(x.text)))
          findings.push({ message: `${p.option} is negated: ${l.text}`, ...at(l) });
        break;
      }
      case 'defaults-value':
        if (!defaults.some((l) => opts(l).some((o) => new RegExp(`^${p.option}\\s*=\\s*\\S`).test(o))))
          findings.push({
            message: `"Defaults ${p.option}=..." is not set in sudoers`,
            path: '/etc/sudoers',
          });
        break;
      case 'no-nopasswd':
        for (const l of lines.filter((x) => /\bNOPASSWD\s*:/.test(x.text) && !/^Defaults/.test(x.text)))
          findings.push({ message: `rule grants sudo without a password: ${l.text}`, ...at(l) });
        break;
      case 'no-negated':
        for (const l of lines.filter((x) => new RegExp(`!\\s*${p.option}\\b`).test(x.text)))
          findings.push({ message: `${p.option} is disabled: ${l.text}`, ...at(l) });
        break;
      case 'max-timeout':
        for (const l of defaults)
          for (const o of opts(l)) {
            const m = /^timestamp_timeout\s*=\s*(-?[\d.]+)/.exec(o);
            if (m && (Number(m[1]) < 0 || Number(m[1]) > p.bound))
              findings.push({
                message: `timestamp_timeout=${m[1]}, expected 0..${p.bound} minutes`,
                ...at(l),
                actual: m[1],
              });
          }
        break;
    }
    return findings.length ? fail(findings) : pass([`${lines.length} sudoers lines checked`]);
  },
});
