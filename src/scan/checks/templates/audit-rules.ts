import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { AUDIT_RULE_READS, readAuditRules } from '../parsers/audit-rules.ts';
import type { AuditRule } from '../parsers/audit-rules.ts';
import { allEntries } from '../parsers/walk.ts';

const SyscallSpec = Type.Object(
  {
    names: Type.Array(Type.String(), { minItems: 1 }),
    /** Every one of these -F fields must appear on the rule (e.g. "exit=-EACCES", "auid>=1000"). */
    fields: Type.Array(Type.String(), { default: [] }),
  },
  { additionalProperties: false },
);

// A watch written as a syscall rule: -a always,exit -F path=/etc/passwd -F perm=wa.
const watches = (r: AuditRule, path: string): boolean =>
  r.watch === path || (r.always && r.fields.some((f) => f === `path=${path}` || f === `dir=${path}`));

export const template = defineCheckTemplate({
  id: 'audit-rules',
  title: 'audit rules the image loads at boot (rules.d, as augenrules compiles them)',
  params: Type.Object(
    {
      /** Paths that must be watched, each with at least the `perm` letters. */
      watches: Type.Array(Type.String(), { default: [] }),
      perm: Type.String({ default: 'wa' }),
      /** Syscall groups that need an always,exit rule for both arch=b64 and arch=b32. */
      syscalls: Type.Array(SyscallSpec, { default: [] }),
      /** "-e 2" must be the last rule. */
      immutable: Type.Boolean({ default: false }),
      /** Every setuid/setgid file in the image needs its own path= rule. */
      privileged: Type.Boolean({ default: false }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({
    globs: [...AUDIT_RULE_READS, ...(p.privileged ? ['/**'] : [])],
    metadataOnly: p.privileged,
  }),
  async evaluate(p, ctx) {
    const { rules, source } = await readAuditRules(ctx);
    const findings: Finding[] = [];
    for (const w of p.watches) {
      const r = rules.find((x) => watches(x, w));
      if (!r)
        findings.push({
          message: `no audit rule watches ${w}`,
          path: source,
          expected: `-w ${w} -p ${p.perm}`,
        });
      else if ([...p.perm].some((c) => !(r.perms ?? 'rwxa').includes(c)))
        findings.push({
          message: `audit rule for ${w} watches "${r.perms}", not "${p.perm}"`,
          path: r.path,
          line: r.line,
        });
    }
    for (const spec of p.syscalls)
      for (const name of spec.names)
        for (const arch of ['b64', 'b32']) {
          const hit = rules.some(
            (r) =>
              r.always &&
              r.syscalls.includes(name) &&
              (r.arch === undefined || r.arch === arch) &&
              spec.fields.every((f) => r.fields.includes(f)),
          );
          if (!hit)
            findings.push({
              message: `no audit rule for syscall ${name} (arch=${arch}${spec.fields.length ? `, ${spec.fields.join(' ')}` : ''})`,
              path: source,
            });
        }
    if (p.immutable) {
      const last = rules[rules.length - 1];
      if (!last || !/^-e\s+2$/.test(last.text))
        findings.push({
          message: `the audit configuration is not made immutable: the last rule is "${last?.text ?? '(none)'}", not "-e 2"`,
          path: last?.path ?? source,
        });
    }
    if (p.privileged) {
      const priv = (await allEntries(ctx))
        .filter(([, st]) => st.type === 'file' && st.mode & 0o6000)
        .map(([path]) => path);
      for (const f of priv)
        if (!rules.some((r) => r.always && r.fields.includes(`path=${f}`)))
          findings.push({ message: `privileged program ${f} has no audit rule`, path: f });
    }
    return findings.length ? fail(findings) : pass([`${rules.length} rules from ${source}`]);
  },
});
