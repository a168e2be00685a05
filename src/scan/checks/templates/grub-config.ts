import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, notApplicable, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { expandGlob, readText } from '../parsers/files.ts';

const GRUB_CFG = ['/boot/grub/grub.cfg', '/boot/grub2/grub.cfg'];
const BLS = '/boot/loader/entries/*.conf';
const DEFAULTS = ['/etc/default/grub', '/etc/default/grub.d/*.cfg'];

/**
 * Boot loader settings from both places they live: the generated grub.cfg (and BLS entries on
 * Amazon Linux) that the next boot uses, and /etc/default/grub that the next grub-mkconfig uses.
 */
export const template = defineCheckTemplate({
  id: 'grub-config',
  title: 'GRUB kernel arguments and boot password',
  params: Type.Object(
    {
      /** kernel-arg: every kernel line carries `arg` (name=value, or name with min for numbers); forbid-arg: none does; password: a superuser with a PBKDF2 password. */
      check: Type.Union([Type.Literal('kernel-arg'), Type.Literal('forbid-arg'), Type.Literal('password')]),
      arg: Type.String({ default: '' }),
      min: Type.Optional(Type.Number()),
    },
    { additionalProperties: false },
  ),
  reads: () => ({ globs: [...GRUB_CFG, BLS, ...DEFAULTS, '/etc/grub.d/*', '/boot/grub2/user.cfg'] }),
  async evaluate(p, ctx) {
    const cfgs: Array<{ path: string; text: string }> = [];
    for (const g of [...GRUB_CFG, BLS])
      for (const path of await expandGlob(ctx.vfs, g))
        cfgs.push({ path, text: (await readText(ctx.vfs, path)) ?? '' });
    const defaults: Array<{ path: string; text: string }> = [];
    for (const g of DEFAULTS)
      for (const path of await expandGlob(ctx.vfs, g))
        defaults.push({ path, text: (await readText(ctx.vfs, path)) ?? '' });
    if (cfgs.length === 0 && defaults.length === 0)
      return notApplicable('no GRUB configuration in the image');
    const findings: Finding[] = [];
    if (p.check === 'password') {
      const sources = [
        ...cfgs,
        ...(await Promise.all(
          (await expandGlob(ctx.vfs, '/etc/grub.d/*')).map(async (path) => ({
            path,
            text: (await readText(ctx.vfs, path)) ?? '',
          })),
        )),
      ];
      const userCfg = await readText(ctx.vfs, '/boot/grub2/user.cfg');
      const superusers = sources.some((s) => /^\s*set\s+superusers\s*=/m.test(s.text));
      const pbkdf2 =
        sources.some((s) => /^\s*password_pbkdf2\s+\S+\s+grub\.pbkdf2\./m.test(s.text)) ||
        /^GRUB2_PASSWORD=grub\.pbkdf2\./m.test(userCfg ?? '');
      if (!(superusers || userCfg) || !pbkdf2)
        findings.push({
          message: 'no GRUB superuser with a password_pbkdf2 password is configured',
          path: cfgs[0]?.path ?? '/etc/grub.d',
        });
      return findings.length ? fail(findings) : pass(['GRUB superuser with PBKDF2 password']);
    }
    const [name, want] = p.arg.split('=');
    const argOk = (args: string[]): boolean =>
      args.some((a) => {
        const [n, v] = a.split('=');
        if (n !== name) return false;
        if (p.min !== undefined) return Number(v) >= p.min;
        return want === undefined || v === want;
      });
    const kernelLines: Array<{ path: string; line: number; args: string[] }> = [];
    for (const c of cfgs)
      c.text.split('\n').forEach((raw, i) => {
        const m = /^\s*(linux(?:efi|16)?\s+\S+|options)\s+(.*)$/.exec(raw);
        if (m) kernelLines.push({ path: c.path, line: i + 1, args: m[2]!.split(/\s+/) });
      });
    // GRUB_CMDLINE_LINUX_DEFAULT reaches only the normal entries, not recovery ones; the benchmark
    // wants the argument on every entry, so only GRUB_CMDLINE_LINUX counts.
    for (const d of defaults)
      d.text.split('\n').forEach((raw, i) => {
        const m = /^\s*GRUB_CMDLINE_LINUX\s*=\s*["']?([^"']*)/.exec(raw);
        if (m) kernelLines.push({ path: d.path, line: i + 1, args: m[1]!.split(/\s+/) });
      });
    if (kernelLines.length === 0)
      findings.push({
        message: 'no kernel command line found in grub.cfg or /etc/default/grub',
        path: defaults[0]?.path ?? cfgs[0]?.path,
      });
    for (const k of kernelLines) {
      const has = argOk(k.args);
      if (p.check === 'kernel-arg' && !has)
        findings.push({
          message: `kernel command line in ${k.path} lacks ${p.arg}${p.min !== undefined ? ` (>= ${p.min})` : ''}`,
          path: k.path,
          line: k.line,
        });
      if (p.check === 'forbid-arg' && has)
        findings.push({
          message: `kernel command line in ${k.path} has ${p.arg}`,
          path: k.path,
          line: k.line,
        });
    }
    return findings.length ? fail(findings) : pass(kernelLines.map((k) => `${k.path}:${k.line}`));
  },
});
