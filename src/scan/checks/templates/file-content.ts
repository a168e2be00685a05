import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { expandGlob, readText } from '../parsers/files.ts';

/**
 * Line patterns in configuration files, for settings that have no structure worth a parser:
 * `require` patterns must each match some non-comment line across the files, `forbid` patterns no line.
 */
export const template = defineCheckTemplate({
  id: 'file-content',
  title: 'Required and forbidden lines in configuration files',
  params: Type.Object(
    {
      files: Type.Array(Type.String(), { minItems: 1 }),
      /** JavaScript regular expressions matched against each trimmed non-comment line. */
      require: Type.Array(Type.String(), { default: [] }),
      forbid: Type.Array(Type.String(), { default: [] }),
      /** Case-insensitive matching. */
      ignoreCase: Type.Boolean({ default: false }),
      /** What a finding calls a missing `require` pattern ("TMOUT is not set read-only"). */
      describe: Type.Optional(Type.Array(Type.String())),
      whenNoFile: Type.Union([Type.Literal('fail'), Type.Literal('not-applicable'), Type.Literal('pass')], {
        default: 'fail',
      }),
      /** Which lines count: comment character ("#"), or "" to keep every line. */
      comment: Type.String({ default: '#' }),
    },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: p.files }),
  async evaluate(p, ctx) {
    const paths: string[] = [];
    for (const g of p.files) paths.push(...(await expandGlob(ctx.vfs, g)));
    if (paths.length === 0) {
      if (p.whenNoFile === 'not-applicable') return notApplicable(`none of ${p.files.join(', ')} exists`);
      if (p.whenNoFile === 'pass') return pass([`none of ${p.files.join(', ')} exists`]);
    }
    const flags = p.ignoreCase ? 'i' : '';
    const lines: Array<{ text: string; path: string; line: number }> = [];
    for (const path of paths) {
      const text = (await readText(ctx.vfs, path)) ?? '';
      text.split('\n').forEach((raw, i) => {
        const t = raw.trim();
        if (t === '' || (p.comment !== '' && t.startsWith(p.comment))) return;
        lines.push({ text: t, path, line: i + 1 });
      });
    }
    const findings: Finding[] = [];
    const evidence: string[] = [];
    p.require.forEach((re, i) => {
      const hit = lines.find((l) => new RegExp(re, flags).test(l.text));
      if (hit) evidence.push(`${hit.path}:${hit.line}: ${hit.text}`);
      else
        findings.push({
          message: p.describe?.[i] ?? `no line matching /${re}/ in ${p.files.join(', ')}`,
          path: paths[0] ?? p.files[0],
          expected: re,
        });
    });
    for (const re of p.forbid)
      for (const l of lines.filter((x) => new RegExp(re, flags).test(x.text)))
        findings.push({
          message: `forbidden setting in ${l.path}: ${l.text}`,
          path: l.path,
          line: l.line,
          actual: l.text,
        });
    return findings.length ? fail(findings) : pass(evidence);
  },
});
