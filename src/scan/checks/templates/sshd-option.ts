import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import type { SshdConfig } from '../parsers/sshd-config.ts';
import { SSHD_READS, effective, readSshdConfig, sshdSeconds } from '../parsers/sshd-config.ts';

const Params = Type.Object(
  {
    /** The keyword (any case); for `op: set`, any one of `keywords` being set passes. */
    keyword: Type.String(),
    keywords: Type.Optional(Type.Array(Type.String())),
    /**
     * in: value is one of `values` (case-insensitive); range: numeric (times in seconds) within min..max;
     * no-weak: comma list with no entry matching a `values` regexp; set: configured at all; unset: none of `keywords` configured;
     * max-startups: start:rate:full each at most the `values[0]` triple.
     */
    op: Type.Union([
      Type.Literal('in'),
      Type.Literal('range'),
      Type.Literal('no-weak'),
      Type.Literal('set'),
      Type.Literal('unset'),
      Type.Literal('max-startups'),
    ]),
    values: Type.Optional(Type.Array(Type.String())),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

type P = Static<typeof Params>;

function judge(p: P, value: string): string | undefined {
  switch (p.op) {
    case 'in':
      return (p.values ?? []).some((v) => v.toLowerCase() === value.toLowerCase())
        ? undefined
        : `expected one of ${(p.values ?? []).join(', ')}`;
    case 'range': {
      const n = sshdSeconds(value);
      if (n === undefined) return 'not a number';
      if (p.min !== undefined && n < p.min) return `below ${p.min}`;
      if (p.max !== undefined && n > p.max) return `above ${p.max}`;
      return undefined;
    }
    case 'no-weak': {
      const list = value.replace(/^[+^]/, '').split(',');
      if (/^-/.test(value)) return undefined; // removing algorithms from the default list only narrows it
      const weak = list.filter((a) => (p.values ?? []).some((re) => new RegExp(re, 'i').test(a)));
      return weak.length ? `weak algorithms allowed: ${weak.join(', ')}` : undefined;
    }
    case 'max-startups': {
      const limit = (p.values?.[0] ?? '10:30:60').split(':').map(Number);
      const got = value.split(':').map(Number);
      const [s, , f] = got.length === 3 ? got : [got[0], 100, got[0]];
      return s! > limit[0]! || f! > limit[2]! || got.some(Number.isNaN)
        ? `more permissive than ${limit.join(':')}`
        : undefined;
    }
    case 'set':
    case 'unset':
      return undefined;
  }
}

function check(p: P, cfg: SshdConfig): Finding[] {
  const findings: Finding[] = [];
  const kw = p.keyword.toLowerCase();
  if (p.op === 'set') {
    const names = (p.keywords ?? [p.keyword]).map((k) => k.toLowerCase());
    // "none" is how sshd spells unset for Banner and friends.
    if (!names.some((k) => cfg.global.has(k) && cfg.global.get(k)!.value.toLowerCase() !== 'none'))
      findings.push({
        message: `None of ${names.join(', ')} is set in the sshd configuration`,
        path: '/etc/ssh/sshd_config',
        expected: 'at least one set',
      });
    return findings;
  }
  if (p.op === 'unset') {
    for (const k of (p.keywords ?? [p.keyword]).map((x) => x.toLowerCase())) {
      const s = cfg.global.get(k);
      if (s)
        findings.push({
          message: `${k} is set to ${s.value}, overriding the system default`,
          path: s.path,
          line: s.line,
          actual: s.value,
        });
    }
    return findings;
  }
  const eff = effective(cfg, kw);
  if (!eff) {
    findings.push({
      message: `${p.keyword} is not set and has no known default`,
      path: '/etc/ssh/sshd_config',
    });
  } else {
    const why = judge(p, eff.value);
    if (why)
      findings.push({
        message: `${p.keyword} is ${eff.value}${eff.path ? '' : ' (OpenSSH default, not set)'}: ${why}`,
        path: eff.path ?? '/etc/ssh/sshd_config',
        line: eff.line,
        actual: eff.value,
      });
  }
  for (const m of cfg.matches) {
    const s = m.settings.get(kw);
    if (!s) continue;
    const why = judge(p, s.value);
    if (why)
      findings.push({
        message: `Match ${m.criteria} sets ${p.keyword} ${s.value}: ${why}`,
        path: s.path,
        line: s.line,
        actual: s.value,
      });
  }
  return findings;
}

export const template = defineCheckTemplate({
  id: 'sshd-option',
  title: 'sshd keyword resolved like sshd -T',
  params: Params,
  reads: () => ({ globs: SSHD_READS }),
  async evaluate(p, ctx) {
    const cfg = await readSshdConfig(ctx);
    if (!cfg.present) return notApplicable('no /etc/ssh/sshd_config: the SSH server is not installed');
    const findings = check(p, cfg);
    if (findings.length) return fail(findings);
    const eff = effective(cfg, p.keyword);
    return pass([`${p.keyword} ${eff?.value ?? '(set)'}${eff?.path ? ` at ${eff.path}:${eff.line}` : ''}`]);
  },
});
