import { Type } from '@sinclair/typebox';
import { readTextOrUndefined } from '../expand.ts';
import { defineCheckTemplate } from '../template.ts';
import { fail, pass } from '../verdict.ts';
import type { Finding } from '../verdict.ts';

/** A baked machine-id makes every instance share one identity (DHCP client ids, journald, dbus); systemd fills an empty file at boot. */
export const template = defineCheckTemplate({
  id: 'machine-id-empty',
  title: 'machine-id is empty so each instance gets its own',
  params: Type.Object(
    { paths: Type.Array(Type.String(), { default: ['/etc/machine-id', '/var/lib/dbus/machine-id'] }) },
    { additionalProperties: false },
  ),
  reads: (p) => ({ globs: [...p.paths, '/etc/machine-id'] }),
  async evaluate(p, ctx) {
    const findings: Finding[] = [];
    for (const path of p.paths) {
      const text = (await readTextOrUndefined(ctx.vfs, path, 4096))?.trim();
      if (text === undefined || text === '' || text === 'uninitialized') continue;
      findings.push({
        message: 'machine-id is baked into the image; empty the file',
        path,
        actual: text.slice(0, 32),
      });
    }
    return findings.length ? fail(findings) : pass();
  },
});
