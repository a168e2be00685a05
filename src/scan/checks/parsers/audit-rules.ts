import type { CheckContext } from '../template.ts';
import { expandGlob, readText } from './files.ts';

export interface AuditRule {
  readonly text: string;
  readonly path: string;
  readonly line: number;
  /** -w watch path and -p permissions, for file watches. */
  readonly watch?: string;
  readonly perms?: string;
  /** -a always,exit rules: their syscalls, fields (-F) and arch. */
  readonly syscalls: readonly string[];
  readonly fields: readonly string[];
  readonly arch?: string;
  readonly always: boolean;
}

export const AUDIT_RULE_READS = ['/etc/audit/rules.d/*.rules', '/etc/audit/audit.rules'];

function parseRule(text: string, path: string, line: number): AuditRule {
  const tok = text.split(/\s+/);
  let watch: string | undefined;
  let perms: string | undefined;
  let arch: string | undefined;
  let always = false;
  const syscalls: string[] = [];
  const fields: string[] = [];
  for (let i = 0; i < tok.length; i++) {
    const t = tok[i]!;
    const v = tok[i + 1] ?? '';
    if (t === '-w') {
      watch = v.replace(/\/$/, '');
      i++;
    } else if (t === '-p') {
      perms = v;
      i++;
    } else if (t === '-a' || t === '-A') {
      always = /always/.test(v) && /exit/.test(v);
      i++;
    } else if (t === '-S') {
      syscalls.push(...v.split(','));
      i++;
    } else if (t === '-F') {
      fields.push(v);
      if (v.startsWith('arch=')) arch = v.slice(5);
      if (v.startsWith('perm=')) perms = v.slice(5);
      i++;
    }
  }
  return { text, path, line, watch, perms, syscalls, fields, arch, always };
}

/** The rules augenrules would load: rules.d/*.rules in name order, or audit.rules when rules.d is empty. */
export function readAuditRules(ctx: CheckContext): Promise<{ rules: AuditRule[]; source: string }> {
  return ctx.memo('audit-rules', async () => {
    let files = await expandGlob(ctx.vfs, '/etc/audit/rules.d/*.rules');
    if (files.length === 0) files = ['/etc/audit/audit.rules'];
    const rules: AuditRule[] = [];
    for (const f of files) {
      const text = await readText(ctx.vfs, f);
      text?.split('\n').forEach((raw, i) => {
        const t = raw.trim();
        if (t === '' || t.startsWith('#')) return;
        rules.push(parseRule(t, f, i + 1));
      });
    }
    return { rules, source: files.join(', ') };
  });
}
