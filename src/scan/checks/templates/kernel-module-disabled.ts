import { Type } from '@sinclair/typebox';
import type { Finding } from '../verdict.ts';
import { fail, pass } from '../verdict.ts';
import { defineCheckTemplate } from '../template.ts';
import { MODPROBE_READS, availableModules, modName, readModprobe } from '../parsers/modprobe.ts';

// Commands that make `modprobe <mod>` a no-op that reports failure or success without loading.
const NOOP = /^(\/usr)?\/bin\/(false|true)$/;

export const template = defineCheckTemplate({
  id: 'kernel-module-disabled',
  title: 'Kernel module cannot be loaded (install /bin/false and blacklist)',
  params: Type.Object({ module: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
  reads: () => ({ globs: MODPROBE_READS, metadataOnly: true }),
  async evaluate(p, ctx) {
    const mod = modName(p.module);
    const { kernels, modules } = await availableModules(ctx);
    if (kernels > 0 && !modules.has(mod)) return pass([`${p.module} is not shipped with the image's kernel`]);
    const dirs = await readModprobe(ctx);
    const install = dirs.find((d) => d.kind === 'install' && d.module === mod);
    const blacklist = dirs.find((d) => d.kind === 'blacklist' && d.module === mod);
    const findings: Finding[] = [];
    if (!install || !NOOP.test(install.command ?? ''))
      findings.push({
        message: install
          ? `install ${p.module} runs "${install.command}", not /bin/false`
          : `no "install ${p.module} /bin/false" in modprobe.d`,
        path: install?.path,
        line: install?.line,
      });
    if (!blacklist) findings.push({ message: `${p.module} is not blacklisted in modprobe.d` });
    if (findings.length) return fail(findings);
    return pass([
      `install at ${install!.path}:${install!.line}`,
      `blacklist at ${blacklist!.path}:${blacklist!.line}`,
    ]);
  },
});
